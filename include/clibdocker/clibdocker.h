/* clibdocker: umbrella header. A Docker Engine API client.
 * SPDX-License-Identifier: Apache-2.0
 *
 * Conventions (docs/conventions.md): functions that can fail return 0 or a
 * negative DK_E* code and record details in dk_error_last(); results come
 * back through the first (`out`) parameter and belong to the caller, who frees
 * them with the matching dk_..._free(); getters return borrowed pointers. */
#ifndef CLIBDOCKER_H
#define CLIBDOCKER_H

#include "common.h"
#include "errors.h"
#include "value.h"
#include "client.h"
#include "request.h"
#include "context.h"
#include "stream.h"
#include "system.h"
#include "networks.h"
#include "volumes.h"
#include "containers.h"

#include "images.h"
#include "auth.h"
#include "plugins.h"
#include "swarm.h"
#include "services.h"
#include "secrets.h"
#include "container_io.h"
#include "exec.h"
#include "loop.h"
#include "session.h"

#endif
