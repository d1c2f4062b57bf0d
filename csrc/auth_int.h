/* Auth helpers shared by images.c (internal). */
#ifndef DK_AUTH_INT_H
#define DK_AUTH_INT_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf_int.h"
#include "clibdocker/value.h"

/* base64url (with padding) of data into out. Returns 0 or DK_ENOMEM. */
int dk__b64url(dkbuf *out, const char *data, size_t len);
/* Standard or url base64 decode; returns 0, or -1 on bad input. */
int dk__b64decode(dkbuf *out, const char *data, size_t len);

/* Parse the text of a config.json (need not be NUL-terminated): *cfg is a
 * JSON object, or NULL and DK_EINVAL naming `name`. */
int dk__auth_config_parse(json_object **cfg, const char *text, size_t len, const char *name);
/* dk_auth_lookup and dk_auth_lookup_all over a parsed config (cfg may be
 * NULL: nothing configured). */
int dk__auth_lookup_cfg(dk_value **out, json_object *cfg, const char *reference,
	const char *const *env);
int dk__auth_lookup_all_cfg(dk_value **out, json_object *cfg, const char *const *env);
/* Tests and fuzzing only: when set, called instead of running
 * docker-credential-<helper> <verb> (same contract: 0 with the helper's
 * stdout in out, 1 for "credentials not found", or <0 with the error set). */
extern int (*dk__auth_helper_hook)(dkbuf *out, const char *helper, const char *verb,
	const char *input);

#endif
