/* Auth helpers shared by images.c (internal). */
#ifndef DK_AUTH_INT_H
#define DK_AUTH_INT_H

#include <stddef.h>

#include "buf_int.h"

/* base64url (with padding) of data into out. Returns 0 or DK_ENOMEM. */
int dk__b64url(dkbuf *out, const char *data, size_t len);
/* Standard or url base64 decode; returns 0, or -1 on bad input. */
int dk__b64decode(dkbuf *out, const char *data, size_t len);

#endif
