/* Opening streams (internal). */
#ifndef DK_STREAM_INT_H
#define DK_STREAM_INT_H

#include "clibdocker/stream.h"
#include "client_int.h"

/* Open a stream for a call built with dk__call_begin(). Takes over `k`
 * (its bookkeeping is freed with the stream, or now on error). Waits for the
 * response headers; an error status is returned as an error, with the
 * daemon's message, and no stream. */
int dk__stream_open(dk_stream **out, dk_call *k, int kind);

/* Or'ed with DK_STREAM_MUX or DK_STREAM_RAW as `kind`: let the response's
 * Content-Type decide where it is decisive (API >= 1.42 names multiplexed
 * streams), else use the given kind. */
#define DK__STREAM_AUTO 0x100

#endif
