/* clibdocker: the Secret API and the Config API (swarm managers only).
 * SPDX-License-Identifier: Apache-2.0
 *
 * A secret's or config's content travels base64-encoded in the spec's "Data"
 * member. Create and update bodies are redacted in traces ("Data" becomes
 * "<redacted>"); the engine never returns a secret's data. */
#ifndef CLIBDOCKER_SECRETS_H
#define CLIBDOCKER_SECRETS_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /secrets. @op SecretList
 * @param filters_json {"id", "label", "name", "names": [...]} or NULL.
 * @param out receives the JSON array of secrets, owned by the caller
 *        (dk_value_free()).
 */
DK_EXTERN(int) dk_secret_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * POST /secrets/create. @op SecretCreate
 * @param spec_json the SecretSpec JSON object: {"Name", "Labels", "Data"
 *        (base64), "Driver", "Templating"}; must be a JSON object. Redacted
 *        in traces.
 * @param out receives {"ID": ...}, owned by the caller.
 * @return 0; DK_ECONFLICT for a name in use; DK_EAPI for invalid data.
 */
DK_EXTERN(int) dk_secret_create(dk_value **out, dk_client *c, const char *spec_json);

/**
 * GET /secrets/{id}. @op SecretInspect
 * @param id the secret's ID or name.
 * @param out receives the Secret JSON object (without its data), caller's.
 * @return 0, DK_ENOTFOUND for an unknown secret, or another error.
 */
DK_EXTERN(int) dk_secret_inspect(dk_value **out, dk_client *c, const char *id);

/**
 * DELETE /secrets/{id}. @op SecretDelete
 * @return 0, DK_ENOTFOUND, or DK_EAPI when a service still uses it.
 */
DK_EXTERN(int) dk_secret_delete(dk_client *c, const char *id);

/**
 * POST /secrets/{id}/update. @op SecretUpdate
 * @param version the secret's current Version.Index (>= 0, else DK_EINVAL).
 * @param spec_json the whole SecretSpec JSON object; the engine lets only
 *        its Labels change (DK_EAPI otherwise). Redacted in traces.
 * @return 0, DK_ENOTFOUND, or DK_EAPI (a stale version, a changed field).
 */
DK_EXTERN(int) dk_secret_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);

/**
 * GET /configs. @op ConfigList
 * @param filters_json {"id", "label", "name", "names": [...]} or NULL.
 * @param out receives the JSON array of configs, owned by the caller.
 */
DK_EXTERN(int) dk_config_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * POST /configs/create. @op ConfigCreate
 * @param spec_json the ConfigSpec JSON object: {"Name", "Labels", "Data"
 *        (base64), "Templating"}; must be a JSON object. Redacted in traces.
 * @param out receives {"ID": ...}, owned by the caller.
 * @return 0; DK_ECONFLICT for a name in use; DK_EAPI for invalid data.
 */
DK_EXTERN(int) dk_config_create(dk_value **out, dk_client *c, const char *spec_json);

/**
 * GET /configs/{id}. @op ConfigInspect
 * @param out receives the Config JSON object (with its base64 Data), caller's.
 * @return 0, DK_ENOTFOUND for an unknown config, or another error.
 */
DK_EXTERN(int) dk_config_inspect(dk_value **out, dk_client *c, const char *id);

/**
 * DELETE /configs/{id}. @op ConfigDelete
 * @return 0, DK_ENOTFOUND, or DK_EAPI when a service still uses it.
 */
DK_EXTERN(int) dk_config_delete(dk_client *c, const char *id);

/**
 * POST /configs/{id}/update. @op ConfigUpdate
 * @param version the config's current Version.Index (>= 0, else DK_EINVAL).
 * @param spec_json the whole ConfigSpec JSON object; only Labels may change.
 * @return 0, DK_ENOTFOUND, or DK_EAPI (a stale version, a changed field).
 */
DK_EXTERN(int) dk_config_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);

DK_END_DECL

#endif
