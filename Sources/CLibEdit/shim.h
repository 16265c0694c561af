// The parts of libedit (the BSD line editor, `libedit-dev`) that manhole-client uses: the native
// `el_*` editor and `history` API from <histedit.h>, and accessors for C's standard streams,
// which Swift 6 refuses to read as globals ("not concurrency-safe").
#ifndef MANHOLE_CLIBEDIT_SHIM_H
#define MANHOLE_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>

/// C's `stdin`, for `el_init`.
static inline FILE *manhole_stdin(void) { return stdin; }
/// C's `stdout`, for `el_init`.
static inline FILE *manhole_stdout(void) { return stdout; }
/// C's `stderr`, for `el_init`.
static inline FILE *manhole_stderr(void) { return stderr; }

// `el_set`, `el_get` and `history` are variadic, which Swift cannot call: one fixed-argument
// wrapper per use.

/// `el_set(el, EL_PROMPT_ESC, prompt, ignore)`: the prompt function; characters between two
/// `ignore` characters (colour escapes) take no room on the line.
static inline int manhole_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *), char ignore) {
    return el_set(el, EL_PROMPT_ESC, prompt, ignore);
}
/// `el_set(el, EL_EDITOR, mode)`: "emacs" or "vi".
static inline int manhole_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
/// `el_set(el, EL_SIGNAL, on)`: libedit restores the terminal when a signal arrives mid-edit.
static inline int manhole_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
/// `el_set(el, EL_HIST, history, h)`: the history the arrow keys walk.
static inline int manhole_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
/// `el_set(el, EL_ADDFN, name, help, fn)`: a named editor function.
static inline int manhole_el_add_function(EditLine *el, const char *name, const char *help,
                                          unsigned char (*fn)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
/// `el_set(el, EL_BIND, key, function, NULL)`: binds a key to a function.
static inline int manhole_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
/// `el_set(el, EL_SETTY, "-d", setting, NULL)`: changes a terminal setting in edit mode.
static inline int manhole_el_setty_edit(EditLine *el, const char *setting) {
    return el_set(el, EL_SETTY, "-d", setting, NULL);
}
/// `el_set(el, EL_CLIENTDATA, data)`: the pointer callbacks find their owner with.
static inline int manhole_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
/// `el_get(el, EL_CLIENTDATA, &data)`.
static inline void *manhole_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
/// `history(h, ev, H_SETSIZE, size)`: keep at most `size` entries.
static inline int manhole_history_setsize(History *h, HistEvent *ev, int size) { return history(h, ev, H_SETSIZE, size); }
/// `history(h, ev, H_SETUNIQUE, 1)`: do not store a line twice in a row.
static inline int manhole_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
/// `history(h, ev, H_ENTER, line)`: adds a line.
static inline int manhole_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
/// `history(h, ev, H_LOAD, path)`: reads a history file.
static inline int manhole_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
/// `history(h, ev, H_SAVE, path)`: writes the history file.
static inline int manhole_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }

#endif
