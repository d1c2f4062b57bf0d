/* clibdocker: dk_value, a response body with lazy JSON access.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_VALUE_H
#define CLIBDOCKER_VALUE_H

#include "common.h"

DK_BEGIN_DECL

/** JSON types reported by dk_value_type(). */
typedef enum {
	DK_JSON_MISSING = -1, /**< no value at that pointer */
	DK_JSON_NULL = 0,
	DK_JSON_BOOL = 1,
	DK_JSON_NUMBER = 2,
	DK_JSON_STRING = 3,
	DK_JSON_ARRAY = 4,
	DK_JSON_OBJECT = 5
} dk_json_type;

/**
 * The raw response body.
 *
 * @param v   the value (not NULL)
 * @param len out: the body's length in bytes (may be NULL)
 * @return a borrowed pointer to the body, valid until dk_value_free(v). The
 *         body is followed by a NUL byte but may itself contain NULs.
 */
DK_EXTERN(const char *) dk_value_body(const dk_value *v, size_t *len);

/**
 * The JSON type at an RFC 6901 JSON pointer ("" is the root,
 * "/Components/0/Name" a nested member). The body is parsed on first use.
 * A value is not safe to read from two threads at once before it is parsed.
 */
DK_EXTERN(int) dk_value_type(dk_value *v, const char *pointer);

/** The string at `pointer`, or NULL if missing or not a string. Borrowed,
 * valid until dk_value_free(v). */
DK_EXTERN(const char *) dk_value_get_string(dk_value *v, const char *pointer);

/** The integer at `pointer` into *out. Returns 0, or DK_EINVAL if missing or
 * not a number. */
DK_EXTERN(int) dk_value_get_int(dk_value *v, const char *pointer, int64_t *out);

/** The boolean at `pointer` into *out (0/1). Returns 0 or DK_EINVAL. */
DK_EXTERN(int) dk_value_get_bool(dk_value *v, const char *pointer, int *out);

/** The number of elements (array) or members (object) at `pointer`, or -1. */
DK_EXTERN(int64_t) dk_value_count(dk_value *v, const char *pointer);

/** The name of member `index` of the object at `pointer`, or NULL. Borrowed. */
DK_EXTERN(const char *) dk_value_key_at(dk_value *v, const char *pointer, size_t index);

/** Free a value returned by any dk_ function. Accepts NULL. */
DK_EXTERN(void) dk_value_free(dk_value *v);

DK_END_DECL

#endif
