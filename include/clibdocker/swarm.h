/* clibdocker: the Swarm API (7 operations) and the Node API (4 operations).
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every operation but SwarmInit/SwarmJoin needs the engine to be in a swarm
 * (a manager for most of them); otherwise the daemon answers 503, which
 * comes back as DK_EAPI with its message ("This node is not a swarm
 * manager..."). Request bodies that may carry secrets (join tokens, unlock
 * keys, CA keys) and answers that do (join tokens, the unlock key) are
 * redacted in traces. */
#ifndef CLIBDOCKER_SWARM_H
#define CLIBDOCKER_SWARM_H

#include "common.h"

DK_BEGIN_DECL

/**
 * POST /swarm/init: make this engine the first manager of a new swarm.
 * @op SwarmInit
 * @param request_json the SwarmInitRequest JSON object, sent as is:
 *        {"ListenAddr", "AdvertiseAddr", "DataPathAddr", "DataPathPort",
 *        "DefaultAddrPool", "ForceNewCluster", "SubnetSize", "Spec"}; it must
 *        be a JSON object (else DK_EINVAL before sending). Redacted in traces
 *        (the spec may hold a CA key).
 * @param out receives the new node's ID as a JSON string ("\"abc...\""),
 *        owned by the caller (dk_value_free()).
 * @return 0; DK_EAPI with the daemon's message when the engine is already in
 *         a swarm (503) or an address is unusable (400).
 */
DK_EXTERN(int) dk_swarm_init(dk_value **out, dk_client *c, const char *request_json);

/**
 * POST /swarm/join: join an existing swarm. @op SwarmJoin
 * @param request_json the SwarmJoinRequest JSON object: {"ListenAddr",
 *        "AdvertiseAddr", "DataPathAddr", "RemoteAddrs": [...], "JoinToken"};
 *        the token is redacted in traces and never in error messages.
 * @return 0, or DK_EAPI with the daemon's message (already in a swarm: 503;
 *         a bad token or unreachable manager: 400/500).
 */
DK_EXTERN(int) dk_swarm_join(dk_client *c, const char *request_json);

/**
 * POST /swarm/leave. @op SwarmLeave
 * @param force 1 to leave even as the last manager (the swarm is lost),
 *        0 not to.
 * @return 0; DK_EAPI (503) when the engine is not in a swarm, or when a
 *         manager leaves without `force`.
 */
DK_EXTERN(int) dk_swarm_leave(dk_client *c, int force);

/**
 * POST /swarm/update. @op SwarmUpdate
 * @param spec_json the whole SwarmSpec JSON object (fields left out are
 *        reset to their defaults); redacted in traces.
 * @param version the swarm's current Version.Index (>= 0, else DK_EINVAL
 *        before sending); a stale one gives DK_EAPI ("update out of
 *        sequence").
 * @param rotate_worker_token, rotate_manager_token, rotate_manager_unlock_key
 *        1 to rotate that secret, 0 not to.
 */
DK_EXTERN(int) dk_swarm_update(dk_client *c, const char *spec_json, int64_t version,
	int rotate_worker_token, int rotate_manager_token, int rotate_manager_unlock_key);

/**
 * GET /swarm. @op SwarmInspect
 * @param out receives the Swarm JSON object (ID, Version, Spec, JoinTokens,
 *        ...), owned by the caller. JoinTokens are redacted in traces.
 * @return 0, or DK_EAPI (503) when the engine is not a swarm manager.
 */
DK_EXTERN(int) dk_swarm_inspect(dk_value **out, dk_client *c);

/**
 * GET /swarm/unlockkey. @op SwarmUnlockkey
 * @param out receives {"UnlockKey": "SWMKEY-1-..."} (an empty key when
 *        autolock is off), owned by the caller; redacted in traces.
 */
DK_EXTERN(int) dk_swarm_unlockkey(dk_value **out, dk_client *c);

/**
 * POST /swarm/unlock: unlock a locked manager. @op SwarmUnlock
 * @param key the unlock key ("SWMKEY-1-..."), sent as {"UnlockKey": key};
 *        redacted in traces. "" is sent too (the daemon answers it); NULL
 *        is DK_EINVAL.
 * @return 0, or DK_EAPI with the daemon's message (e.g. "swarm is not
 *         locked", a wrong key).
 */
DK_EXTERN(int) dk_swarm_unlock(dk_client *c, const char *key);

/**
 * GET /nodes. @op NodeList
 * @param filters_json {"id", "label", "membership", "name", "node.label",
 *        "role": [...]} or NULL.
 * @param out receives the JSON array of nodes, owned by the caller.
 */
DK_EXTERN(int) dk_node_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * GET /nodes/{id}. @op NodeInspect
 * @param id the node's ID or name ("self" is not special here).
 * @param out receives the Node JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown node, or another error.
 */
DK_EXTERN(int) dk_node_inspect(dk_value **out, dk_client *c, const char *id);

/**
 * DELETE /nodes/{id}. @op NodeDelete
 * @param force 1 to remove an active node (or a manager), 0 not to.
 * @return 0, DK_ENOTFOUND, or DK_EAPI with the daemon's reason (e.g. a node
 *         that is still a manager or still up).
 */
DK_EXTERN(int) dk_node_delete(dk_client *c, const char *id, int force);

/**
 * POST /nodes/{id}/update. @op NodeUpdate
 * @param version the node's current Version.Index (>= 0, else DK_EINVAL).
 * @param spec_json the whole NodeSpec JSON object {"Name", "Labels", "Role",
 *        "Availability"}; fields left out are reset. Must be a JSON object.
 * @return 0, DK_ENOTFOUND, or DK_EAPI (a stale version: "update out of
 *         sequence"; an invalid role or availability).
 */
DK_EXTERN(int) dk_node_update(dk_client *c, const char *id, int64_t version,
	const char *spec_json);

DK_END_DECL

#endif
