// The parts of libedit (the BSD line editor, `libedit-dev`) that manhole-client uses: the native
// `el_*` editor and `history` API from <histedit.h>, and accessors for C's standard streams,
// which Swift 6 refuses to read as globals ("not concurrency-safe").
#ifndef MANHOLE_CLIBEDIT_SHIM_H
#define MANHOLE_CLIBEDIT_SHIM_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>
#include <histedit.h>

// Declared by <wchar.h> only under _XOPEN_SOURCE, which the rest of the header does not want.
extern int wcwidth(wchar_t c);

/// The columns libedit draws `c` in, as its own `ct_visual_width` counts them: `^X` for a control
/// character below 0x100, `\U+XXXX` (7 or 8) for one the locale cannot print, else `wcwidth`;
/// a tab counts 1 and a newline 0, as libedit counts them.
static inline int manhole_visual_width(wchar_t c) {
    if (c == L'\t') return 1;
    if (c == L'\n') return 0;
    if (c < 0x100 && iswcntrl((wint_t)c)) return 2;
    if (iswprint((wint_t)c)) return wcwidth(c);
    return c > 0xffff ? 8 : 7;
}

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

/// `el_set(el, EL_GETCFN, fn)`: the function libedit reads each character with (the client's
/// polls standard input and the manhole socket, to show notices while a line is edited).
static inline int manhole_el_set_getcfn(EditLine *el, el_rfunc_t fn) { return el_set(el, EL_GETCFN, fn); }
/// `el_set(el, EL_REFRESH)`: forget what is on the screen and redraw the prompt and the line
/// from the cursor's column 0, the cursor where it was in the line.
static inline int manhole_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

// Ctrl-C while a command or a follow runs: the terminal is in its normal mode then, so Ctrl-C is
// SIGINT. The handler writes the protocol's `interrupt` line to the socket itself (write(2) is
// async-signal-safe), so no blocking read has to be woken and no thread is needed. Armed only
// while a reply or a follow is awaited; otherwise SIGINT is ignored (the prompt reads Ctrl-C as
// a key). The state is only touched through these functions, never from Swift directly.

// Weak definitions, not `static`: Swift compiles this header into every object file that uses
// it, and a static variable would be a different one in each (the handler installed from one
// file would not see the socket armed from another). The linker keeps one of the weak copies.
__attribute__((weak)) volatile sig_atomic_t manhole_interrupt_socket = -1;
__attribute__((weak)) volatile sig_atomic_t manhole_interrupt_count = 0;
__attribute__((weak)) volatile sig_atomic_t manhole_window_resized = 0;

static void manhole_on_interrupt(int signal) {
    (void)signal;
    int descriptor = manhole_interrupt_socket;
    if (descriptor < 0) return;
    int saved = errno;
    static const char line[] = "interrupt\n";
    if (write(descriptor, line, sizeof line - 1) == (ssize_t)(sizeof line - 1)) manhole_interrupt_count += 1;
    errno = saved;
}

static void manhole_on_resize(int signal) { (void)signal; manhole_window_resized = 1; }

/// Installs the SIGINT and SIGWINCH handlers (no SA_RESTART: a blocked poll wakes with EINTR)
/// and unblocks both signals.
static inline void manhole_install_signal_handlers(void) {
    struct sigaction action = {0};
    sigemptyset(&action.sa_mask);
    action.sa_handler = manhole_on_interrupt;
    sigaction(SIGINT, &action, NULL);
    action.sa_handler = manhole_on_resize;
    sigaction(SIGWINCH, &action, NULL);
    // A blocked mask is inherited across exec (a test runner, via tmux, passed SIGINT blocked).
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGWINCH);
    sigprocmask(SIG_UNBLOCK, &handled, NULL);
}
/// From now on SIGINT writes `interrupt` to `socket`; the count of lines written starts at 0.
static inline void manhole_interrupt_arm(int socket) {
    manhole_interrupt_count = 0;
    manhole_interrupt_socket = socket;
}
/// How many `interrupt` lines were written since ``manhole_interrupt_arm``.
static inline int manhole_interrupts_sent(void) { return manhole_interrupt_count; }
/// SIGINT writes nothing from now on; returns the final count of `interrupt` lines written.
static inline int manhole_interrupt_disarm(void) {
    manhole_interrupt_socket = -1;
    return manhole_interrupt_count;
}
/// Whether SIGWINCH arrived since the last call (and forgets it).
static inline int manhole_take_window_resized(void) {
    int resized = manhole_window_resized;
    manhole_window_resized = 0;
    return resized;
}

#endif
