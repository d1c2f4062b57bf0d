/* clibdocker: the call mechanism driven by any event loop (non-blocking).
 * SPDX-License-Identifier: Apache-2.0
 *
 * A dk_loop owns one libcurl multi handle. Every operation (dk_image_inspect,
 * dk_container_create, ...) can run on it without blocking: the caller runs
 * the operation inside dk_async_enter()/dk_async_leave(); instead of
 * performing its transfer the operation hands it to the loop and returns
 * DK_ASYNC_PENDING. The caller watches the sockets the loop reports
 * (dk_loop_watches()) and its timer (dk_loop_timeout()), calls
 * dk_loop_step() when one is ready, and when dk_loop_done() names the call,
 * runs the same operation again, with the same arguments, inside
 * enter/leave: this time it takes the finished transfer's answer and returns
 * exactly what the blocking call would have returned (same result, same
 * error and message, same trace record). An operation that needs several
 * transfers (version negotiation first, then the request) returns
 * DK_ASYNC_PENDING once per transfer.
 *
 *     dk_async *a;  dk_value *v = NULL;
 *     dk_async_new(&a, loop, 42);
 *     for (;;) {
 *         dk_async_enter(a);
 *         rc = dk_async_leave(a, dk_image_inspect(&v, c, "busybox"));
 *         if (rc != DK_ASYNC_PENDING) break;       // rc: the operation's result
 *         ... run the event loop until dk_loop_done() reports token 42 ...
 *     }
 *     dk_async_free(a);
 *
 * The operation must be deterministic: the same arguments each run (their
 * memory must stay valid until the call is done; a JSON request body is
 * copied when the transfer starts).
 *
 * Threads: a loop, its calls and their runs belong to one thread at a time
 * (the event loop's). Free every loop of a client before the client.
 */
#ifndef CLIBDOCKER_LOOP_H
#define CLIBDOCKER_LOOP_H

#include "common.h"
#include "container_io.h"

DK_BEGIN_DECL

/** The loop (opaque): one libcurl multi handle for one client. */
typedef struct dk_loop dk_loop;
/** One asynchronous call (opaque). */
typedef struct dk_async dk_async;

/** Codes of the asynchronous driver (never returned by a blocking call). */
enum dk_async_code {
	/** the call's transfer runs on the loop: wait for dk_loop_done() */
	DK_ASYNC_PENDING = -100,
	/** the operation cannot run on the loop (a streamed request body, a
	 * hijacked connection, a stream read to its end by the operation
	 * itself): run it blocking, on a worker thread */
	DK_ASYNC_BLOCKING = -101
};

/** Socket interest reported by dk_loop_watches() and given to dk_loop_step(). */
enum dk_loop_events {
	DK_LOOP_IN = 1,   /**< readable */
	DK_LOOP_OUT = 2   /**< writable */
};

/** Bits returned by dk_loop_step() / dk_async_leave() users may test. */
enum dk_loop_flags {
	DK_LOOP_WATCH = 1,  /**< socket interest changed: drain dk_loop_watches() */
	DK_LOOP_TIMER = 2,  /**< the timer changed: read dk_loop_timeout() */
	DK_LOOP_DONE = 4    /**< calls finished: drain dk_loop_done() */
};

/**
 * Create a loop for calls on client `c` (which must outlive the loop).
 * @param out receives the loop, owned by the caller (dk_loop_free()).
 * @return 0, DK_EINVAL, DK_ENOMEM.
 */
DK_EXTERN(int) dk_loop_new(dk_loop **out, dk_client *c);

/** Cancel every call in flight (their connections are closed) and free
 * the loop. Calls still allocated (dk_async) must be freed before. Accepts NULL. */
DK_EXTERN(void) dk_loop_free(dk_loop *L);

/**
 * Drive the transfers after `fd` became ready (`events`: DK_LOOP_IN |
 * DK_LOOP_OUT), or after the timer expired (`fd` -1).
 * @return the DK_LOOP_* bits of what changed (0: nothing to do), or <0.
 */
DK_EXTERN(int) dk_loop_step(dk_loop *L, int fd, int events);

/** The DK_LOOP_* bits of what is waiting to be drained (without stepping). */
DK_EXTERN(int) dk_loop_pending(dk_loop *L);

/**
 * Drain socket interest changes, oldest first: fds[i] should be watched for
 * events[i] (DK_LOOP_IN | DK_LOOP_OUT; 0: stop watching it).
 * @return the number written (at most `max`); call again while it is `max`.
 */
DK_EXTERN(int) dk_loop_watches(dk_loop *L, int *fds, int *events, int max);

/** The timer: call dk_loop_step(L, -1, 0) in this many ms (0: at once), or
 * -1 for no timer. Clears DK_LOOP_TIMER. */
DK_EXTERN(long) dk_loop_timeout(dk_loop *L);

/**
 * Drain the tokens of calls whose transfer finished (run them again).
 * @return the number written (at most `max`).
 */
DK_EXTERN(int) dk_loop_done(dk_loop *L, uint64_t *tokens, int max);

/** The number of transfers running on the loop. */
DK_EXTERN(int) dk_loop_running(const dk_loop *L);

/**
 * A new asynchronous call on loop L, named `token` in dk_loop_done().
 * @param out receives the call, owned by the caller (dk_async_free()).
 * @return 0, DK_EINVAL, DK_ENOMEM.
 */
DK_EXTERN(int) dk_async_new(dk_async **out, dk_loop *L, uint64_t token);

/** Begin a run of the operation on this thread (see above). */
DK_EXTERN(void) dk_async_enter(dk_async *a);

/**
 * End the run begun by dk_async_enter(); `rc` is what the operation returned.
 * @return DK_ASYNC_PENDING when the run started a transfer (wait for the
 *         token, then run again); DK_ASYNC_BLOCKING when the operation cannot
 *         run on the loop; else `rc` (the operation's own result).
 */
DK_EXTERN(int) dk_async_leave(dk_async *a, int rc);

/**
 * Begin a run on a worker thread after dk_async_leave() returned
 * DK_ASYNC_BLOCKING: the transfers the earlier runs made are replayed,
 * whatever is new runs blocking (the plain call mechanism), streams and
 * hijacked connections included. End it with dk_async_leave() (its result
 * is the operation's). The loop must not run this call meanwhile.
 */
DK_EXTERN(void) dk_async_enter_blocking(dk_async *a);

/** Cancel the call: a running transfer is removed from the loop at once and
 * its connection closed (never reused); the next run returns DK_ECANCELED.
 * Idempotent. */
DK_EXTERN(void) dk_async_cancel(dk_async *a);

/** Cancel (as dk_async_cancel()) and free the call. Accepts NULL. */
DK_EXTERN(void) dk_async_free(dk_async *a);

/**
 * Streams on a loop. An operation that opens a stream (dk_system_events,
 * dk_container_logs, ...) run inside enter/leave opens it on the loop:
 * DK_ASYNC_PENDING until the response's headers are in, then the stream
 * (or the error, as the blocking open returns it). Its bytes move when the
 * loop is stepped; read it with non-blocking pulls
 * (dk_stream_set_nonblocking(s, 1)): DK_STREAM_AGAIN means wait until
 * dk_loop_done() names the token set here, then pull again. A blocking
 * pull on it fails (DK_EUNSUPPORTED; inside enter/leave the run becomes
 * DK_ASYNC_BLOCKING). Free it on the loop's thread, before the loop.
 *
 * @return 0, or DK_EINVAL when `s` is not on a loop.
 */
DK_EXTERN(int) dk_stream_set_loop_token(dk_stream *s, uint64_t token);

/** The loop a stream runs on (borrowed), or NULL. */
DK_EXTERN(dk_loop *) dk_stream_loop(const dk_stream *s);

/**
 * dk_hijack_read() for an event loop: never waits. DK_STREAM_AGAIN when
 * nothing is there yet: wait until dk_hijack_fd() is readable (over TLS,
 * decrypted bytes may already wait: try again first, as this function
 * does, before waiting). 0 with *got 0 is the end of the connection.
 * Not for a WebSocket connection (DK_EUNSUPPORTED).
 */
DK_EXTERN(int) dk_hijack_read_nowait(dk_hijack *h, void *buf, size_t cap, size_t *got);

DK_END_DECL

#endif
