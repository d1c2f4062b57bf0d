/* SHA-256 (internal): Docker names a context's directories by the hex
 * SHA-256 of the context name. */
#ifndef DK_SHA256_INT_H
#define DK_SHA256_INT_H

#include <stddef.h>

/* Hex digest of data into hex[65] (NUL-terminated). */
void dk__sha256_hex(const void *data, size_t len, char hex[65]);

#endif
