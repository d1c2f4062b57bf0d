/* clibdocker: the Exec API (run a command in a running container).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_EXEC_H
#define CLIBDOCKER_EXEC_H

#include "common.h"
#include "container_io.h"

DK_BEGIN_DECL

/**
 * POST /containers/{id}/exec: set up an exec instance. @op ContainerExec
 * @param container the running container's id or name
 * @param config_json the ExecConfig JSON ({"Cmd": [...], "AttachStdout":
 *        true, "Tty": false, "Env": [...], "WorkingDir": ..., ...})
 * @param out receives {"Id": "..."}, owned by the caller (dk_value_free()).
 * @return 0, DK_ENOTFOUND, DK_ECONFLICT (container not running), DK_EAPI.
 */
DK_EXTERN(int) dk_exec_create(dk_value **out, dk_client *c, const char *container,
	const char *config_json);

/**
 * POST /exec/{id}/start and read its output as a stream. @op ExecStart
 *
 * The stream ends when the command exits; then dk_exec_inspect() reports
 * its `ExitCode`. Output is demultiplexed as for dk_container_logs().
 * @param tty -1: detect (by inspecting the exec: engines up to 26.1 call
 *        every exec stream raw), 0: multiplexed, 1: raw
 * @param out receives the stream, owned by the caller (dk_stream_free()).
 * @return 0, DK_ENOTFOUND, DK_ECONFLICT (already started, or the container
 *         stopped).
 */
DK_EXTERN(int) dk_exec_start(dk_stream **out, dk_client *c, const char *id, int tty);

/** POST /exec/{id}/start with Detach: start it and return at once.
 * @op ExecStart */
DK_EXTERN(int) dk_exec_start_detached(dk_client *c, const char *id, int tty);

/**
 * POST /exec/{id}/start over a hijacked connection, to write the command's
 * stdin (create it with AttachStdin). @op ExecStart
 * @param out receives the connection, owned by the caller (dk_hijack_free()).
 */
DK_EXTERN(int) dk_exec_start_hijack(dk_hijack **out, dk_client *c, const char *id, int tty);

/** POST /exec/{id}/resize: resize the exec's TTY (it must be running and
 * have a TTY). @op ExecResize */
DK_EXTERN(int) dk_exec_resize(dk_client *c, const char *id, int height, int width);

/** GET /exec/{id}/json. @op ExecInspect
 * @param out receives the JSON object ({"Running", "ExitCode", "Pid",
 *        "ProcessConfig", ...}), owned by the caller. */
DK_EXTERN(int) dk_exec_inspect(dk_value **out, dk_client *c, const char *id);

DK_END_DECL

#endif
