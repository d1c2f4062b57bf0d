/* clibdocker: Docker CLI contexts ($DOCKER_CONFIG/contexts).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_CONTEXT_H
#define CLIBDOCKER_CONTEXT_H

#include "common.h"

DK_BEGIN_DECL

/**
 * Resolve a docker CLI context to its engine endpoint.
 *
 * @param config_dir the Docker config directory, or NULL for `$DOCKER_CONFIG`
 *        (default `~/.docker`)
 * @param name the context, or NULL to choose as the docker CLI does:
 *        `DOCKER_CONTEXT`; else "default" when `DOCKER_HOST` is set; else
 *        config.json's `currentContext`; else "default". "" means
 *        config.json's `currentContext` alone (the environment is not read).
 * @param out receives an object owned by the caller (dk_value_free()):
 *        `{"Name": ..., "Host": "unix:///..." | null (the default context:
 *        DOCKER_HOST or the local socket), "SkipTLSVerify": bool,
 *        "TLS": {"CA": path, "Cert": path, "Key": path} | null}` (TLS holds
 *        only the files that exist in the context's TLS store).
 * @return 0; DK_ENOTFOUND for a context that does not exist; DK_EINVAL for
 *         unreadable or malformed metadata.
 */
DK_EXTERN(int) dk_context_resolve(dk_value **out, const char *config_dir, const char *name);

/**
 * A client for a context's engine, with its TLS material
 * (see dk_context_resolve() for `config_dir` and `name`). The caller owns
 * the client (dk_client_free()). `DOCKER_API_VERSION` is honoured.
 */
DK_EXTERN(int) dk_client_new_from_context(dk_client **out, const char *config_dir, const char *name);

DK_END_DECL

#endif
