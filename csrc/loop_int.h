/* The asynchronous driver's hooks in the call mechanism (internal). */
#ifndef DK_LOOP_INT_H
#define DK_LOOP_INT_H

#include "clibdocker/loop.h"
#include "client_int.h"

/* The asynchronous call whose run this thread is in (dk_async_enter), or
 * NULL: the call mechanism then runs blocking, as always. */
extern _Thread_local dk_async *dk__async_tl;

/* dk__call_perform on the loop: with a finished transfer recorded for this
 * point of the run, hand its answer to `k` and map it exactly as the
 * blocking path does; else start the transfer on the loop and return
 * DK_ASYNC_PENDING. Called after dk__call_ready. */
int dk__async_perform(dk_call *k);

/* A part of the mechanism that cannot run on the loop (streams, hijacked
 * connections, streamed request bodies): marks the run DK_ASYNC_BLOCKING. */
int dk__async_refuse(dk_call *k);

#endif
