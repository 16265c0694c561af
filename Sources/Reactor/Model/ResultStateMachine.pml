/*
 * The state machine of one reactor result (ResultBox + ResultStore + the reactor thread), as a
 * Promela model for spin. Run it with scripts/model-check.sh; docs/design.md ("The result's state
 * machine, model checked") maps each transition to the Swift function it mirrors.
 *
 * One result, submitted by `runInReactor` with a `Deferred` body (the richest path: it has a
 * canceller that must run on the loop), raced by:
 *   - three waiters: W0 `EventualResult.wait(timeout:)` that never times out, W1 the same with a
 *     timeout that may fire, W2 `Reactor.waitFor(timeout:)` (cancels the result when it times out);
 *   - a canceller thread (`EventualResult.cancel()`);
 *   - `Reactor.stop()` from another thread (always: every run ends with the reactor stopped);
 *   - a thread that stashes the result and then retrieves it;
 *   - the work behind the Deferred, which may succeed, fail, or never finish by itself;
 *   - the reactor thread, which runs the body, the cancellers and the shutdown hooks in order.
 *
 * Granularity: each lock is a variable (0 free, else the owner's pid + 1). A critical section is
 * one step: it waits for its lock(s) to be free, does its work and frees them (CS, CS2), which is
 * what a mutex guarantees for data only touched under it; nothing is read without its lock but
 * `isDone` and the gate's flag, which get steps of their own. The steps the real code takes
 * between two critical sections stay separate steps, so other threads interleave there:
 * publish (store lock, then box lock) | `isDone = true` | the condition's value and broadcast.
 * A waiter inside pthread_cond_timedwait has released the mutex (`inWait`); once woken or timed
 * out it takes the mutex again in a later step. Two exceptions, both of one thread's consecutive
 * critical sections with nothing but its own work in between and nothing another thread could
 * decide on in the gap, are merged into one step (said where they are). Memory is sequentially
 * consistent. The model has no cycle: every run ends, so the end-state check is a liveness check.
 *
 * Variants (cpp macros, `spin -a -D...`):
 *   SEEDED_BUG=1  the parked waiter checks the condition's value once, without the lock, and
 *                 then waits without re-checking it: a wake-up that comes in between is lost,
 *                 and W0 (no timeout) sleeps forever. Must fail (invalid end state).
 *   SEEDED_BUG=2  `settle` announces (sets `isDone` and the condition's value) before it
 *                 publishes the outcome: a spinning waiter returns with no outcome. Must fail.
 *   SEEDED_BUG=3  the cancel path as it was before the model found it: a canceller the closed
 *                 gate refuses is dropped, so a result cancelled as the reactor stops never has
 *                 its work called off. Must fail (the Deferred is left unsettled).
 *   SEEDED_BUG=4  retrieve as it was before the model found it: it decides on `isDone`, which is
 *                 announced after the store's lock is released, so a result retrieved in between
 *                 stays tracked after it finished. Must fail.
 *   SEEDED_BUG=5  Deferred.cancel as it was before the model (once it let the loop end) found it:
 *                 it always hands the canceller to the loop, so when a cancel that raced the stop
 *                 runs it on its own thread after the loop ended, the work is never called off.
 *                 Must fail (the Deferred is left unsettled).
 */

mtype = { PENDING, SUCCEEDED, FAILED, CANCELLED, STOPPED, TIMEDOUT };
/* What the reactor thread is handed: the body (through the gate), a canceller (through the
 * gate), the Deferred's own cancellation step, the promise's completion, the shutdown hooks. */
mtype = { BODY, CANCELLER, DEFERRED_CANCEL, PROMISE_SUCCEEDED, PROMISE_FAILED, HOOKS };

#define NWAITERS 3

/* ---- ResultBox's fields (ResultBox.swift) ---- */
byte boxLock = 0;             /* the ConditionLock's mutex: 0 free, else owner pid + 1 */
bit condValue = 0;            /* ConditionLock(value: 0); `announce` sets 1 */
bool isDone = false;          /* Atomic<Bool>, polled without the lock */
mtype outcome = PENDING;      /* `outcome`, only under boxLock */
bool cancellerInstalled = false; /* `canceller` (set by setCanceller, taken by publish) */
bool hasStore = true;         /* `store` (nil for a box born after the stop) */
bool inWait[NWAITERS];        /* waiters inside pthread_cond_timedwait */

/* ---- ResultStore's state (ResultStore.swift) ---- */
byte storeLock = 0;           /* NIOLockedValueBox's lock */
bool storeClosed = false;     /* `isClosed` */
bool entryPresent = false;    /* the box has an entry in `entries` */
bool entryStashed = false;    /* ... and it is stashed */

/* ---- The reactor (Reactor.swift, LoopGate.swift) ---- */
bool gateClosed = false;      /* LoopGate.stopped */
chan loopq = [8] of { mtype };/* the loop's queue: gate.execute and eventLoop.execute, in order */
bool loopBusy = false;
bool stopCanceller = false;   /* the canceller `stop` took from `interrupt`, run by the hooks */
bool loopEnded = false;       /* LoopGate.loopRuns == false: the stop is shutting the loop down */
bool loopGone = false;        /* the loop's thread has ended: what is handed to it is dropped */
bool hooksRan = false;        /* the stop's work on the loop has run */

/* ---- The Deferred behind the result (Deferred.swift) ---- */
bool bodyStarted = false;     /* the body ran and returned its Deferred */
bool deferredSettled = false; /* Deferred.isSettled (succeed, fail or the cancellation) */

/* ---- Ghosts: what the properties count ---- */
byte publishes = 0;           /* publish calls that set the outcome */
byte cancellerRuns = 0;       /* the installed canceller ran (Deferred.cancel) */
byte returned = 0;            /* waiters that have returned */

/* eventLoop.execute from another thread: queued while the loop's thread lives (a loop being shut
 * down still runs what was queued before it ends), dropped once it has ended (NIO logs and drops
 * it). Only work that may come after the stop uses it; the rest is queued before `loopEnded`. */
#define TO_LOOP(item) if :: loopGone -> skip :: else -> loopq!item fi

/* A critical section under lock `l`: take it (blocks while another thread holds it), run `body`,
 * release it; CS2 takes `outer` then `inner` (the only nesting: store lock, then box lock). */
#define CS(l, body)  atomic { l == 0 -> l = _pid + 1; body; l = 0 }
#define CS2(outer, inner, body) atomic { outer == 0 -> outer = _pid + 1; inner == 0 -> inner = _pid + 1; body; inner = 0; outer = 0 }

/* ResultBox.publish: sets the outcome under the box's lock if none is set; takes the canceller. */
#define PUBLISH(o, won, gotCanceller) \
    if \
    :: outcome == PENDING -> \
        outcome = o; won = true; \
        gotCanceller = cancellerInstalled; cancellerInstalled = false; \
        publishes++; \
        assert(publishes == 1)  /* exactly one outcome wins */ \
    :: else -> won = false; gotCanceller = false \
    fi

/* ResultBox.announce: isDone for spinning waiters (a step of its own), then the condition's value:
 * unlock(withValue: 1) sets it under the mutex, releases it and broadcasts (one step here). */
inline announce() {
    isDone = true;
    CS(boxLock, condValue = 1; inWait[0] = false; inWait[1] = false; inWait[2] = false)
}

/* ResultBox.settle (behind complete/succeed/fail/cancel/interrupt): ResultStore.finish runs
 * publish under the store's lock and forgets an unstashed entry; the waiters are told after the
 * store's lock is released. */
inline settle(o, won, gotCanceller) {
#if SEEDED_BUG == 2
    announce();
#endif
    if
    :: hasStore ->
        CS2(storeLock, boxLock,
            PUBLISH(o, won, gotCanceller);
            if :: won && entryPresent && !entryStashed -> entryPresent = false :: else -> skip fi)
    :: else -> CS(boxLock, PUBLISH(o, won, gotCanceller))
    fi;
#if SEEDED_BUG != 2
    if :: won -> announce() :: else -> skip fi
#endif
}

/* LoopGate.execute: enqueue on the loop unless closed. `close` waits for submitters already
 * inside, so a submission is atomic with respect to it. */
inline gateExecute(item, accepted) {
    atomic {
        if
        :: !gateClosed -> loopq!item; accepted = true
        :: else -> accepted = false
        fi
    }
}

/* Reactor.cancel(_:) (EventualResult.cancel, cancelResult(id:), waitFor's timeout): settle with
 * .cancelled; the winner hands the canceller to the loop through the gate. */
inline reactorCancel(won, gotCanceller, accepted) {
    settle(CANCELLED, won, gotCanceller);
    if
    :: won && gotCanceller -> gateExecute(CANCELLER, accepted);
#if SEEDED_BUG != 3
        /* LoopGate.executeWhileLoopRuns: refused by the closed gate, the canceller still goes to
         * the loop while it runs (under the gate's loopRuns lock), else it runs on this thread. */
        if
        :: !accepted ->
            atomic {
                if
                :: !loopEnded -> loopq!CANCELLER
                :: else -> runCanceller(false)
                fi }
        :: else -> skip
        fi
#endif
    :: else -> skip
    fi
}

/* The canceller installed by submitted(Deferred): `deferred.cancel()`, normally on the loop (off
 * it only after the loop ended). Runs at most once and only for a result that was cancelled or
 * stopped. Deferred.cancel: if not settled yet, `canceller; fail(.cancelled)`: at once on the loop
 * (fail's callback, box.complete, runs there too and loses: the outcome is set, asserted here),
 * through gate.executeWhileLoopRuns while the loop runs, else on this thread (fail's callback is
 * handed to the loop, which may be gone). */
inline runCanceller(onLoop) {
    cancellerRuns++;
    assert(cancellerRuns == 1);
    assert(outcome == CANCELLED || outcome == STOPPED);
#if SEEDED_BUG == 5
    if :: !deferredSettled -> TO_LOOP(DEFERRED_CANCEL) :: else -> skip fi
#else
    if
    :: deferredSettled -> skip
    :: !deferredSettled && onLoop -> deferredSettled = true
    :: !deferredSettled && !onLoop && !loopEnded -> loopq!DEFERRED_CANCEL
    :: !deferredSettled && !onLoop && loopEnded -> deferredSettled = true; TO_LOOP(PROMISE_FAILED)
    fi
#endif
}

/* A waiter returns: with the outcome (wait's `locked { outcome }`; the outcome is written once,
 * so every waiter that gets one gets the one that won), or with nil after its timeout. */
#define RETURN_WITH_OUTCOME  assert(outcome != PENDING); returned++; done = true
#define RETURN_TIMED_OUT     assert(mayTimeOut); timedOut = true; returned++; done = true

/* ResultBox.wait(timeout:) and ResultBox.park; W2 is Reactor.waitFor (waitOrCancel).
 * Between taking the box's lock in `park` and returning, the waiter goes through three critical
 * sections (register its token, lock(whenValue:) then unlock, unregister, read the outcome) with
 * nothing but its own work in between; the token is read by listings only and the outcome never
 * changes once set, so they are one step here. */
proctype Waiter(byte w; bool mayTimeOut; bool cancelsOnTimeout) {
    bool timedOut = false; bool done = false;
    bool won = false; bool gotCanceller = false; bool accepted = false;
#if SEEDED_BUG == 1
    bool sawValue = false;
#endif
    /* `if !isComplete` and SpinPolicy.spin(until: isComplete), without the lock: the spin sees
     * the outcome, or its budget runs out while isDone is false (its timing is not modelled). */
    if
    :: atomic { isDone -> boxLock == 0 -> RETURN_WITH_OUTCOME }
    :: else -> skip
    fi;
    if
    :: done -> goto waited
    :: else -> skip
    fi;
#if SEEDED_BUG == 1
    /* Seeded bug: the condition's value is looked at once, before the lock is taken, and the
     * waiter then waits without looking again: a wake-up in between is lost. */
    sawValue = condValue;
#define VALUE_IS_SET sawValue
#else
#define VALUE_IS_SET (condValue == 1)
#endif
    /* park, under the box's lock: when the spin used up the timeout (`remaining <= 0`), return
     * isComplete; else condition.lock(whenValue: 1, timeoutSeconds:): the value is 1 (return the
     * outcome), or pthread_cond_timedwait releases the lock and joins the wait set. */
    atomic {
        boxLock == 0 ->
        if
        :: mayTimeOut -> if :: isDone -> RETURN_WITH_OUTCOME :: else -> RETURN_TIMED_OUT fi
        :: true ->
            if
            :: VALUE_IS_SET -> RETURN_WITH_OUTCOME
            :: else -> inWait[w] = true
            fi
        fi
    };
    /* Parked: the broadcast clears inWait (the value is 1 by then; spurious wake-ups are not
     * modelled), then the waiter takes the lock again and looks at the value; or ETIMEDOUT: NIO
     * takes the lock, releases it and returns false without looking at the value. */
    do
    :: done -> break
    :: atomic { !done && !inWait[w] -> boxLock == 0 ->
            if
            :: condValue == 1 -> RETURN_WITH_OUTCOME
            :: else -> inWait[w] = true
            fi }
    :: atomic { !done && mayTimeOut && inWait[w] -> inWait[w] = false; boxLock == 0 -> RETURN_TIMED_OUT }
    od;
waited:
    /* Reactor.waitOrCancel: a waitFor that timed out cancels the result */
    if
    :: timedOut && cancelsOnTimeout -> reactorCancel(won, gotCanceller, accepted)
    :: else -> skip
    fi
}

/* EventualResult.cancel() from another thread. */
proctype Canceller() {
    bool won = false; bool gotCanceller = false; bool accepted = false;
    reactorCancel(won, gotCanceller, accepted)
}

/* Reactor.stop(timeout:) from a thread other than the loop's. */
proctype Stopper() {
    bool listed = false; bool won = false; bool gotCanceller = false;
    gateClosed = true;                                        /* gate.close() */
    CS(storeLock, storeClosed = true; listed = entryPresent); /* results.close() */
    if                                                        /* interrupt(with: .stopped) */
    :: listed -> settle(STOPPED, won, gotCanceller); stopCanceller = gotCanceller
    :: else -> skip
    fi;
    loopq!HOOKS;                                              /* eventLoop.submit(runHooks) */
    hooksRan;                                                 /* watch(...) until they ran */
    loopEnded = true                                          /* gate.loopWillEnd() */
}

/* EventualResult.stash() then Reactor.retrieveResult(_:as:) on one thread (ResultStore.stash,
 * ResultStore.retrieve). */
proctype StashThenRetrieve() {
    /* stash: mark the entry stashed, or insert it stashed if `finish` already forgot it */
    CS(storeLock, entryPresent = true; entryStashed = true);
#if SEEDED_BUG == 4
    /* retrieve as it was: `box.isComplete` (isDone) decides whether the entry goes or stays */
#define RETRIEVED_IS_FINISHED isDone
#else
    /* retrieve: `box.hasOutcome`, under the box's lock, decides whether the entry goes or stays */
#define RETRIEVED_IS_FINISHED (outcome != PENDING)
#endif
    CS2(storeLock, boxLock,
        if
        :: entryPresent && entryStashed ->
            if
            :: RETRIEVED_IS_FINISHED -> entryPresent = false; entryStashed = false
            :: else -> entryStashed = false
            fi
        :: else -> skip   /* unknownResult */
        fi)
}

/* The work behind the Deferred: settles it from any thread (Deferred.succeed/fail), or never;
 * the promise's callback (`box.complete(with:)`) then runs on the loop. */
proctype Work() {
    if
    :: atomic { bodyStarted && !deferredSettled -> deferredSettled = true; TO_LOOP(PROMISE_SUCCEEDED) }
    :: atomic { bodyStarted && !deferredSettled -> deferredSettled = true; TO_LOOP(PROMISE_FAILED) }
    :: skip   /* never finishes by itself: only a cancel or the stop ends the wait */
    fi
}

/* The reactor thread: LoopGate.drain and the event loop's own tasks, one at a time, in order. */
proctype Loop() {
    bool won = false; bool gotCanceller = false; bool already = false;
    do
    /* group.shutdownGracefully: once the stop said the loop will end, its thread runs what is
     * queued and ends (any moment the queue is empty); every run ends with it gone. */
    :: atomic { loopEnded && len(loopq) == 0 -> loopGone = true }; break
    :: atomic {
            /* submit's closure: `guard !box.isComplete`, then submitted(Deferred)'s start:
             * `let deferred = try body()` */
            loopq?BODY ->
            if
            :: isDone -> skip
            :: else -> bodyStarted = true; loopBusy = true
            fi };
        if
        :: loopBusy ->
            atomic {   /* box.setCanceller { deferred.cancel() }: installs it, or runs it at once */
                boxLock == 0 ->
                if
                :: outcome == PENDING -> cancellerInstalled = true
                :: else -> runCanceller(true)
                fi;
                loopBusy = false }
        :: else -> skip
        fi
    :: atomic { loopq?CANCELLER -> runCanceller(true) }      /* gate.execute(canceller) */
    :: atomic { loopq?HOOKS -> if :: stopCanceller -> runCanceller(true) :: else -> skip fi; hooksRan = true }  /* stop's runHooks */
    :: atomic {
            /* Deferred.cancel's task: the canceller, then fail(.cancelled), whose callback
             * (box.complete(with:)) runs here and must lose: the result was already settled. */
            loopq?DEFERRED_CANCEL ->
            if
            :: !deferredSettled -> deferredSettled = true; loopBusy = true
            :: else -> skip
            fi };
        if
        :: loopBusy -> settle(FAILED, won, gotCanceller); assert(!won); loopBusy = false
        :: else -> skip
        fi
    :: atomic { loopq?PROMISE_SUCCEEDED -> loopBusy = true };   /* box.complete(with:) */
        settle(SUCCEEDED, won, gotCanceller);
        d_step { won = false; gotCanceller = false; loopBusy = false }
    :: atomic { loopq?PROMISE_FAILED -> loopBusy = true };
        settle(FAILED, won, gotCanceller);
        d_step { won = false; gotCanceller = false; loopBusy = false }
    od
}

/* The thread that calls runInReactor (Reactor.submit), racing with the stop; then the checks. */
init {
    bool won = false; bool gotCanceller = false; bool accepted = false;
    atomic { run Loop(); run Stopper() };
    /* ResultStore.makeBox: tracked, or born stopped once the store is closed */
    CS(storeLock,
        if
        :: storeClosed -> hasStore = false
        :: else -> entryPresent = true
        fi);
    if :: !hasStore -> settle(STOPPED, won, gotCanceller) :: else -> skip fi;
    /* `!box.isComplete && gate.execute { ... }`, else interrupt(with: .stopped) */
    atomic {
        if
        :: isDone -> accepted = false
        :: else -> gateExecute(BODY, accepted)
        fi };
    if :: !accepted -> settle(STOPPED, won, gotCanceller) :: else -> skip fi;
    atomic {
        run Waiter(0, false, false);
        run Waiter(1, true, false);
        run Waiter(2, true, true);
        run Canceller();
        run StashThenRetrieve();
        run Work()
    };
    d_step { won = false; gotCanceller = false; accepted = false };
    /* Every other thread has ended, the loop's too (a process dies after those created later). */
    (_nr_pr == 1);
    d_step {
        assert(returned == NWAITERS);            /* every waiter returned (once: it is a process) */
        assert(outcome != PENDING);              /* the stop leaves no result pending */
        assert(publishes == 1);                  /* one outcome won, and it is what waiters saw */
        assert(boxLock == 0 && storeLock == 0);
        assert(loopGone && len(loopq) == 0 && !loopBusy);
        assert(outcome != SUCCEEDED || cancellerRuns == 0)
;
        /* The work behind a result that was cancelled or stopped is called off. */
        assert(!bodyStarted || deferredSettled);
        /* A finished result is not tracked unless stashed (this thread retrieved it). */
        assert(!entryPresent)
    }
}
