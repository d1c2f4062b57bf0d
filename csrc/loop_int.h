/* The asynchronous driver's hooks in the call mechanism (internal). */
#ifndef DK_LOOP_INT_H
#define DK_LOOP_INT_H

#include "clibdocker/loop.h"
#include "client_int.h"
#include "clibdocker/stream.h"

/* The asynchronous call whose run this thread is in (dk_async_enter), or
 * NULL: the call mechanism then runs blocking, as always. */
extern _Thread_local dk_async *dk__async_tl;

/* From dk__async_perform / dk__async_refuse on a worker's run
 * (dk_async_enter_blocking): nothing recorded here, do it blocking. */
#define DK__ASYNC_BLOCK_HERE (-102)
/* 1 on a worker's run: streams and hijacks open blocking. */
int dk__async_blocking_ok(void);
/* A worker's run opens a stream blocking: past the loop's record of it. */
void dk__async_stream_blocking(const dk_call *k);

/* dk__call_perform on the loop: with a finished transfer recorded for this
 * point of the run, hand its answer to `k` and map it exactly as the
 * blocking path does; else start the transfer on the loop and return
 * DK_ASYNC_PENDING. Called after dk__call_ready. */
int dk__async_perform(dk_call *k);

/* A part of the mechanism that cannot run on the loop (streams, hijacked
 * connections, streamed request bodies): marks the run DK_ASYNC_BLOCKING. */
int dk__async_refuse(dk_call *k);

/* dk__stream_open on the loop: the first run starts the stream's transfer
 * on the loop (DK_ASYNC_PENDING); a later run, once the response's headers
 * (or, for an error status, the whole answer) are in, hands out the stream
 * or the error as the blocking open does. Takes over k. */
int dk__async_stream(dk_stream **out, dk_call *k, int kind);

/* A stream's place on a loop. */
typedef struct dk_loop_node dk_loop_node;
/* Add a stream's easy handle to the loop's multi handle; NULL when out of
 * memory. dk__loop_kick() then sends its request (once the stream knows its
 * node: the answer may be read at once). */
dk_loop_node *dk__loop_attach(dk_loop *L, dk_stream *s, CURL *easy);
void dk__loop_kick(dk_loop *L);
/* Take it off (an unfinished transfer's connection is closed). */
void dk__loop_detach(dk_loop_node *n);
/* Name `token` in dk_loop_done(). */
void dk__loop_notify(dk_loop_node *n, uint64_t token);
dk_loop *dk__loop_of(dk_loop_node *n);

/* stream.c, for the loop and dk__async_stream: */
int dk__stream_start(dk_stream **out, dk_call *k, int kind, dk_loop *L, uint64_t token);
int dk__stream_start_ready(const dk_stream *s);        /* headers or the end are in */
int dk__stream_start_finish(dk_stream **out, dk_stream *s); /* the blocking open's checks */
void dk__stream_start_cancel(dk_stream *s);            /* free an unfinished open */
void dk__stream_loop_done(dk_stream *s, int result);   /* the transfer ended (CURLcode) */
void dk__stream_loop_lost(dk_stream *s);               /* the loop is being freed */
/* A stream handed to a run stays held by the call's record: its pulls are
 * logged and replayed to the next run (token: the call's). */
void dk__stream_hold(dk_stream *s, uint64_t token);
/* The next run's dk_stream: the state moves to a new one (the previous run's
 * becomes a husk, or is freed if its caller already freed it); NULL: no memory. */
dk_stream *dk__stream_rehand(dk_stream *s);
/* The call is over: `owned` (handed out by the last run, not freed by its
 * caller): the caller's from now on; else freed. */
void dk__stream_unhold(dk_stream *s, int owned);
/* A run's pull on a held stream with nothing new: the run waits. */
int dk__async_wait(void);
void dk__loop_node_move(dk_loop_node *n, dk_stream *s);

#endif
