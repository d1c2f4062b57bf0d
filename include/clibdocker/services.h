/* clibdocker: the Service API and the Task API (swarm managers only).
 * SPDX-License-Identifier: Apache-2.0
 *
 * ServiceLogs and TaskLogs (multiplexed log streams) are declared with the
 * container logs: dk_service_logs() and dk_task_logs() in container_io.h. */
#ifndef CLIBDOCKER_SERVICES_H
#define CLIBDOCKER_SERVICES_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /services. @op ServiceList
 * @param filters_json {"id", "label", "mode", "name": [...]} or NULL.
 * @param status 1 to add each service's ServiceStatus (running/desired task
 *        counts), 0 to ask without it, -1 not to send the parameter.
 * @param out receives the JSON array of services, owned by the caller
 *        (dk_value_free()).
 */
DK_EXTERN(int) dk_service_list(dk_value **out, dk_client *c, const char *filters_json,
	int status);

/**
 * POST /services/create. @op ServiceCreate
 * @param spec_json the ServiceSpec JSON object ({"Name", "Labels",
 *        "TaskTemplate", "Mode", "UpdateConfig", "RollbackConfig",
 *        "EndpointSpec"}), sent as is; it must be a JSON object. Fields the
 *        negotiated API lacks are refused before sending (DK_EVERSION):
 *        ContainerSpec.Privileges.Seccomp/AppArmor (1.44),
 *        ContainerSpec.OomScoreAdj and Mounts[].TmpfsOptions.Options (1.46),
 *        Resources.*.SwapBytes/MemorySwappiness (1.52).
 * @param auth_json the registry AuthConfig JSON for the image (sent as
 *        X-Registry-Auth, redacted in traces), or NULL.
 * @param out receives {"ID": ..., "Warnings": [...]}, owned by the caller.
 * @return 0; DK_ECONFLICT for a name in use; DK_EAPI for an invalid spec.
 */
DK_EXTERN(int) dk_service_create(dk_value **out, dk_client *c, const char *spec_json,
	const char *auth_json);

/**
 * GET /services/{id}. @op ServiceInspect
 * @param id the service's ID, name or a unique ID prefix.
 * @param insert_defaults 1 to fill in the defaults the engine applies, 0 not
 *        to, -1 not to send the parameter.
 * @param out receives the Service JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown service, or another error.
 */
DK_EXTERN(int) dk_service_inspect(dk_value **out, dk_client *c, const char *id,
	int insert_defaults);

/**
 * DELETE /services/{id}: remove a service (its tasks are shut down).
 * @op ServiceDelete
 * @return 0, DK_ENOTFOUND, or another error.
 */
DK_EXTERN(int) dk_service_delete(dk_client *c, const char *id);

/**
 * POST /services/{id}/update. @op ServiceUpdate
 * @param version the service's current Version.Index (>= 0, else DK_EINVAL);
 *        a stale one gives DK_EAPI ("update out of sequence").
 * @param spec_json the whole new ServiceSpec JSON object (same version
 *        gates as dk_service_create()).
 * @param registry_auth_from "spec" or "previous-spec" (where the engine
 *        takes the registry credentials from when auth_json is NULL), or NULL.
 * @param rollback "previous" to roll back to the previous spec (the spec is
 *        then ignored by the engine), or NULL.
 * @param auth_json the registry AuthConfig JSON (X-Registry-Auth), or NULL.
 * @param out receives {"Warnings": [...]} (may be null), owned by the caller.
 */
DK_EXTERN(int) dk_service_update(dk_value **out, dk_client *c, const char *id,
	int64_t version, const char *spec_json, const char *registry_auth_from,
	const char *rollback, const char *auth_json);

/* ServiceLogs (GET /services/{id}/logs): dk_service_logs() in container_io.h. */

/**
 * GET /tasks. @op TaskList
 * @param filters_json {"desired-state", "id", "label", "name", "node",
 *        "service": [...]} or NULL.
 * @param out receives the JSON array of tasks, owned by the caller.
 */
DK_EXTERN(int) dk_task_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * GET /tasks/{id}. @op TaskInspect
 * @param out receives the Task JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown task, or another error.
 */
DK_EXTERN(int) dk_task_inspect(dk_value **out, dk_client *c, const char *id);

/* TaskLogs (GET /tasks/{id}/logs): dk_task_logs() in container_io.h. */

DK_END_DECL

#endif
