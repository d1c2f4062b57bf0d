/* clibdocker: registry credentials found the way the docker CLI finds them.
 * SPDX-License-Identifier: Apache-2.0
 *
 * Source: `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`):
 * `credHelpers` (per registry), else `credsStore`, through the
 * `docker-credential-<name>` helper protocol (the helper is run with `get`
 * and the server address on stdin, and answers {"Username","Secret"}), else
 * `auths` (base64 "user:password" in `auth`, or `identitytoken`). Results
 * are AuthConfig JSON, ready for the `auth_json` parameters of images.h.
 * The config is read on each call (nothing is cached). Thread-safe. */
#ifndef CLIBDOCKER_AUTH_H
#define CLIBDOCKER_AUTH_H

#include "common.h"

DK_BEGIN_DECL

/**
 * The registry host an image reference or registry address names:
 * "127.0.0.1:5000/ns/app:1" -> "127.0.0.1:5000", "http://reg:5000/" ->
 * "reg:5000", "busybox" or "docker.io/x" -> "https://index.docker.io/v1/"
 * (the key the CLI uses for Docker Hub).
 * @param out receives the name as a dk_value body (caller's, dk_value_free()).
 */
DK_EXTERN(int) dk_auth_registry_of(dk_value **out, const char *reference);

/**
 * Credentials for the registry of `reference` (an image reference or a
 * registry address).
 * @param config_dir the directory holding config.json, or NULL for
 *        $DOCKER_CONFIG, else ~/.docker
 * @param out receives AuthConfig JSON ({"username","password",
 *        "serveraddress"} or {"identitytoken","serveraddress"}), caller's;
 *        NULL (with return 0) when no credentials are configured.
 * @return 0, or DK_EINVAL for an unreadable or malformed config, DK_EAUTH
 *         when a credential helper fails (its message, never a secret).
 */
DK_EXTERN(int) dk_auth_lookup(dk_value **out, const char *config_dir, const char *reference);

/**
 * dk_auth_lookup() with extra environment for the credential helpers it runs
 * (docker-py's `credstore_env`).
 * @param helper_env NULL-terminated "NAME=value" entries added to (or
 *        replacing) this process's environment in each docker-credential-*
 *        process; NULL or empty: the process's environment as it is.
 */
DK_EXTERN(int) dk_auth_lookup_env(dk_value **out, const char *config_dir, const char *reference,
	const char *const *helper_env);

/**
 * Every credential the config knows (`auths`, each `credHelpers` registry,
 * and the `credsStore`'s `list`), as the JSON object {"registry": AuthConfig}
 * that X-Registry-Config takes (dk_build_options.registry_config_json).
 * @param out the object (caller's); "{}" when nothing is configured.
 */
DK_EXTERN(int) dk_auth_lookup_all(dk_value **out, const char *config_dir);

/** dk_auth_lookup_all() with extra environment for the credential helpers
 * (see dk_auth_lookup_env()). */
DK_EXTERN(int) dk_auth_lookup_all_env(dk_value **out, const char *config_dir,
	const char *const *helper_env);

/**
 * Encode AuthConfig JSON as the X-Registry-Auth header value (base64url of
 * the JSON).
 * @param out receives the encoded text as a dk_value body (caller's).
 */
DK_EXTERN(int) dk_auth_encode(dk_value **out, const char *auth_json);

DK_END_DECL

#endif
