/* dk_value construction (internal). */
#ifndef DK_VALUE_INT_H
#define DK_VALUE_INT_H

#include "clibdocker/value.h"

/* Make a value that takes ownership of `body` (malloc'd, NUL-terminated at
 * body[len]). On failure frees body and returns NULL. */
dk_value *dk__value_take(char *body, size_t len);

#endif
