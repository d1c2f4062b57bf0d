/* The BuildKit session's HTTP/2 core without a connection (internal): for
 * the fuzz target and sans-I/O tests. dk__session_h2_start() makes the
 * nghttp2 server session of a dk_session set up with dk_session_new() /
 * add_dir / add_secret / ... (not opened); dk__session_mem() feeds it the
 * engine's bytes and appends what it answers to `out`. Free with
 * dk_session_close(). */
#ifndef DK_SESSION_INT_H
#define DK_SESSION_INT_H

#include <stddef.h>

#include "buf_int.h"
#include "clibdocker/session.h"

int dk__session_h2_start(dk_session *s);
/* 1 once dk_session_open() succeeded and the serving thread still runs. */
int dk__session_is_open(const dk_session *s);
int dk__session_mem(dk_session *s, const void *in, size_t n, dkbuf *out);

#endif
