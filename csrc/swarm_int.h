/* Helpers shared by swarm.c, services.c and secrets.c (internal). */
#ifndef DK_SWARM_INT_H
#define DK_SWARM_INT_H

#include <stdint.h>

#include <json-c/json.h>

#include "clibdocker/common.h"

/* Refuse a NULL or non-object JSON argument (DK_EINVAL naming `op` and
 * `what`). With `parsed`, the parsed object is handed back (the caller's,
 * json_object_put()); without, it is freed. The argument's text never goes
 * into the message (it may hold secrets). */
int dk__json_object_arg(const char *op, const char *what, const char *json,
	json_object **parsed);

/* POST <path with one id>/update?version=N with a JSON object body: the
 * shape NodeUpdate, SecretUpdate and ConfigUpdate share. `secret` redacts
 * the body in traces. */
int dk__swarm_update_object(dk_client *c, const char *op, const char *path,
	const char *id, int64_t version, const char *spec_json, int secret);

/* A GET of a list with an optional `filters` JSON object. */
int dk__swarm_list(dk_value **out, dk_client *c, const char *op, const char *path,
	const char *filters_json);

#endif
