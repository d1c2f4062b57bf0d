/* clibdocker: the Container API, non-streaming operations (18 operations).
 * The streaming ones (logs, attach, export, stats, archives, exec) are in
 * container_io.h.
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every function returns 0 or a negative DK_E* code (details in
 * dk_error_last()); a missing container gives DK_ENOTFOUND with the daemon's
 * message, a name in use DK_ECONFLICT. `id` is a container id, id prefix or
 * name; NULL or "" is refused with DK_EINVAL before any request. Results
 * that come back through `out` belong to the caller (dk_value_free()).
 * All functions are thread-safe on a shared client. */
#ifndef CLIBDOCKER_CONTAINERS_H
#define CLIBDOCKER_CONTAINERS_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /containers/json. @op ContainerList
 * @param all     1: also containers that are not running; 0: running only.
 * @param limit   at most this many (the most recently created); < 0: no limit.
 * @param size    1: add `SizeRw` and `SizeRootFs` to each entry.
 * @param filters_json a JSON object of filters ({"label":["a=b"],
 *        "status":["exited"]}), or NULL.
 * @param out receives the JSON array of summaries, owned by the caller.
 */
DK_EXTERN(int) dk_container_list(dk_value **out, dk_client *c, int all, int limit,
	int size, const char *filters_json);

/**
 * POST /containers/create. @op ContainerCreate
 * @param name     the container's name, or NULL for a generated one; must
 *                 match /?[a-zA-Z0-9][a-zA-Z0-9_.-]+ (else DK_EINVAL).
 * @param platform "os[/arch[/variant]]" or NULL; needs API >= 1.41.
 * @param config_json the request body: a JSON object with the
 *        ContainerConfig fields plus `HostConfig` and `NetworkingConfig`
 *        (passed through as given; not a JSON object: DK_EINVAL).
 * @param out receives {"Id": ..., "Warnings": [...]}, owned by the caller.
 * @return 0; DK_ENOTFOUND if the image is missing; DK_ECONFLICT if the name
 *         is in use; DK_EAPI for a configuration the engine refuses.
 */
DK_EXTERN(int) dk_container_create(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *config_json);

/**
 * GET /containers/{id}/json. @op ContainerInspect
 * @param size 1: add `SizeRw` and `SizeRootFs`.
 * @param out receives the JSON object, owned by the caller.
 */
DK_EXTERN(int) dk_container_inspect(dk_value **out, dk_client *c, const char *id, int size);

/**
 * GET /containers/{id}/top. @op ContainerTop
 * @param ps_args arguments for `ps` (default "-ef"), or NULL.
 * @param out receives {"Titles": [...], "Processes": [[...]]}, caller's.
 * @return DK_ECONFLICT (engine-dependent: DK_EAPI) if it is not running.
 */
DK_EXTERN(int) dk_container_top(dk_value **out, dk_client *c, const char *id,
	const char *ps_args);

/**
 * GET /containers/{id}/changes. @op ContainerChanges
 * @param out receives the JSON array of {"Path", "Kind"} (0 modified,
 *        1 added, 2 deleted) or null when nothing changed; caller's.
 */
DK_EXTERN(int) dk_container_changes(dk_value **out, dk_client *c, const char *id);

/**
 * POST /containers/{id}/resize: resize the container's TTY. @op ContainerResize
 * @param height, width in characters, >= 0 (else DK_EINVAL).
 */
DK_EXTERN(int) dk_container_resize(dk_client *c, const char *id, int height, int width);

/**
 * POST /containers/{id}/start. @op ContainerStart
 * @param detach_keys the key sequence that detaches from the container
 *        ("ctrl-p,ctrl-q"), or NULL.
 * @return 0 also when it was already running (the engine answers 304).
 */
DK_EXTERN(int) dk_container_start(dk_client *c, const char *id, const char *detach_keys);

/**
 * POST /containers/{id}/stop. @op ContainerStop
 * @param timeout_s seconds to wait before killing it; < 0: the container's
 *        StopTimeout (10 s by default). The call's own total timeout is the
 *        client's plus this wait.
 * @param signal    the signal to send first ("SIGINT", "15"), or NULL for
 *        the container's StopSignal; needs API >= 1.42, else DK_EVERSION.
 * @return 0 also when it was already stopped (the engine answers 304).
 */
DK_EXTERN(int) dk_container_stop(dk_client *c, const char *id, int timeout_s,
	const char *signal);

/**
 * POST /containers/{id}/restart. @op ContainerRestart
 * Parameters as for dk_container_stop().
 */
DK_EXTERN(int) dk_container_restart(dk_client *c, const char *id, int timeout_s,
	const char *signal);

/**
 * POST /containers/{id}/kill. @op ContainerKill
 * @param signal a name ("SIGTERM", "HUP") or number ("9"), or NULL for SIGKILL.
 * @return DK_ECONFLICT if it is not running.
 */
DK_EXTERN(int) dk_container_kill(dk_client *c, const char *id, const char *signal);

/**
 * POST /containers/{id}/update. @op ContainerUpdate
 * @param update_json a JSON object with Resources fields and/or
 *        `RestartPolicy` ({"Memory": 67108864, "RestartPolicy":
 *        {"Name": "on-failure", "MaximumRetryCount": 2}}).
 * @param out receives {"Warnings": [...]}, owned by the caller.
 */
DK_EXTERN(int) dk_container_update(dk_value **out, dk_client *c, const char *id,
	const char *update_json);

/**
 * POST /containers/{id}/rename. @op ContainerRename
 * @param name the new name (same rules as for create).
 * @return DK_ECONFLICT if the name is in use.
 */
DK_EXTERN(int) dk_container_rename(dk_client *c, const char *id, const char *name);

/** POST /containers/{id}/pause: freeze its processes. @op ContainerPause */
DK_EXTERN(int) dk_container_pause(dk_client *c, const char *id);

/** POST /containers/{id}/unpause. @op ContainerUnpause */
DK_EXTERN(int) dk_container_unpause(dk_client *c, const char *id);

/**
 * POST /containers/{id}/wait: block until the container reaches a
 * condition. @op ContainerWait
 * @param condition "not-running" (the default when NULL), "next-exit" or
 *        "removed"; anything else is refused with DK_EINVAL.
 * @param timeout_ms the call's total timeout: > 0 that many milliseconds
 *        (then DK_ETIMEOUT; the client stays usable), 0 none, < 0 the
 *        client's total timeout.
 * @param out receives {"StatusCode": n, "Error": null | {"Message": ...}},
 *        owned by the caller.
 */
DK_EXTERN(int) dk_container_wait(dk_value **out, dk_client *c, const char *id,
	const char *condition, long timeout_ms);

/**
 * DELETE /containers/{id}. @op ContainerDelete
 * @param volumes 1: also remove its anonymous volumes (`v`).
 * @param force   1: kill it first if it is running.
 * @param link    1: remove the legacy link `id` ("/container/alias")
 *                instead of a container.
 * @return DK_ECONFLICT if it is running and force is 0.
 */
DK_EXTERN(int) dk_container_delete(dk_client *c, const char *id, int volumes, int force,
	int link);

/**
 * HEAD /containers/{id}/archive: stat a path in the container.
 * @op ContainerArchiveInfo
 * @param path an absolute path, or relative to the working directory.
 * @param out receives the decoded `X-Docker-Container-Path-Stat` header:
 *        {"name", "size", "mode", "mtime", "linkTarget"}, owned by the caller.
 * @return DK_ENOTFOUND if the container or the path does not exist (a HEAD
 *         answer has no body, so the message names both); DK_EPROTO if the
 *         header is missing or malformed.
 */
DK_EXTERN(int) dk_container_archive_info(dk_value **out, dk_client *c, const char *id,
	const char *path);

/**
 * POST /containers/prune: remove stopped containers. @op ContainerPrune
 * @param filters_json {"label": ["k=v"], "until": ["10m"]} or NULL (all
 *        stopped containers: mind other users of the engine).
 * @param out receives {"ContainersDeleted": [...], "SpaceReclaimed": n}.
 */
DK_EXTERN(int) dk_container_prune(dk_value **out, dk_client *c, const char *filters_json);

DK_END_DECL

#endif
