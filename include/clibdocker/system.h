/* clibdocker: the System API (7 operations).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_SYSTEM_H
#define CLIBDOCKER_SYSTEM_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /_ping. @op SystemPing
 * @return 0 if the engine answered "OK", else an error code.
 * Thread-safe.
 */
DK_EXTERN(int) dk_system_ping(dk_client *c);

/**
 * HEAD /_ping. @op SystemPingHead
 * @param out receives an object of the response headers that describe the
 *            engine (`Api-Version`, `Docker-Experimental`, `OSType`,
 *            `Builder-Version`, `Swarm`, `Cache-Control`, `Pragma`), owned by
 *            the caller (dk_value_free()).
 */
DK_EXTERN(int) dk_system_ping_head(dk_value **out, dk_client *c);

/**
 * GET /version. @op SystemVersion
 * @param versioned 1 for `/vX.Y/version`, 0 for the unversioned path
 *        (works before negotiation and against any daemon).
 * @param out receives the JSON object, owned by the caller.
 */
DK_EXTERN(int) dk_system_version(dk_value **out, dk_client *c, int versioned);

/** GET /info. @op SystemInfo. @param out receives the JSON object (caller's). */
DK_EXTERN(int) dk_system_info(dk_value **out, dk_client *c);

/**
 * GET /system/df. @op SystemDataUsage
 * @param types comma-separated object types ("container,image,volume,
 *        build-cache"), or NULL for all; needs API >= 1.42, else DK_EVERSION.
 * @param out receives the JSON object, owned by the caller.
 */
DK_EXTERN(int) dk_system_df(dk_value **out, dk_client *c, const char *types);

/**
 * POST /auth. @op SystemAuth
 * @param auth_json the AuthConfig JSON ({"username", "password",
 *        "serveraddress", ...}); it never appears in traces or errors.
 * @param out receives the JSON answer ({"Status", "IdentityToken"}), caller's.
 */
DK_EXTERN(int) dk_system_auth(dk_value **out, dk_client *c, const char *auth_json);

/**
 * GET /events as a stream of JSON messages. @op SystemEvents
 * @param since, until  timestamps as the API takes them (Unix seconds, may be
 *        fractional, or RFC 3339), or NULL
 * @param filters_json  a JSON object of filters ({"type":["container"]}), or NULL
 * @param out receives the open stream, owned by the caller (dk_stream_free()).
 *        Each dk_stream_next() message is one event's JSON. Without `until`
 *        the stream follows forever: stop it with dk_stream_cancel().
 * @return 0, or the engine's error (e.g. DK_EAPI for bad filters) before any
 *         message.
 */
DK_EXTERN(int) dk_system_events(dk_stream **out, dk_client *c, const char *since,
	const char *until, const char *filters_json);

DK_END_DECL

#endif
