/* clibdocker: the Network API (7 operations).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_NETWORKS_H
#define CLIBDOCKER_NETWORKS_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /networks. @op NetworkList
 * @param filters_json a JSON object of filters ({"label":["a=b"],
 *        "name":["x"], "driver":["bridge"], "type":["custom"], ...}), or NULL.
 * @param out receives the JSON array of networks, owned by the caller
 *        (dk_value_free()).
 */
DK_EXTERN(int) dk_network_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * GET /networks/{id}. @op NetworkInspect
 * @param id      the network's id, name or id prefix.
 * @param verbose 1 to add the swarm service details, 0 to say no, -1 to
 *                leave the parameter out.
 * @param scope   "swarm", "global" or "local" to look only there, or NULL.
 * @param out receives the network's JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown network, or another error.
 */
DK_EXTERN(int) dk_network_inspect(dk_value **out, dk_client *c, const char *id,
	int verbose, const char *scope);

/**
 * DELETE /networks/{id}. @op NetworkDelete
 * @return 0, DK_ENOTFOUND for an unknown network, or the daemon's error
 *         (its 403 while containers are attached or for a predefined
 *         network comes back as DK_EAUTH, the 403 mapping).
 */
DK_EXTERN(int) dk_network_delete(dk_client *c, const char *id);

/**
 * POST /networks/create. @op NetworkCreate
 * @param config_json the NetworkCreateRequest JSON, sent as is: {"Name",
 *        "Driver", "Scope", "Internal", "Attachable", "Ingress",
 *        "ConfigOnly", "ConfigFrom", "IPAM": {"Driver", "Config": [{"Subnet",
 *        "IPRange", "Gateway", "AuxiliaryAddresses"}], "Options"},
 *        "EnableIPv4" (API >= 1.47), "EnableIPv6", "Options", "Labels",
 *        "CheckDuplicate" (deprecated in API 1.44, where duplicates are
 *        always refused)}. Version checks of fields are the caller's.
 * @param out receives the answer ({"Id", "Warning"}), owned by the caller.
 * @return 0, or the daemon's error (DK_EAPI for a malformed subnet; its
 *         403 for an overlapping subnet comes back as DK_EAUTH;
 *         DK_ECONFLICT for a duplicate name, DK_ENOTFOUND for an unknown
 *         driver plugin).
 */
DK_EXTERN(int) dk_network_create(dk_value **out, dk_client *c, const char *config_json);

/**
 * POST /networks/{id}/connect. @op NetworkConnect
 * @param id        the network.
 * @param container the container's id or name.
 * @param endpoint_json the EndpointSettings JSON object ({"Aliases",
 *        "Links", "IPAMConfig": {"IPv4Address", "IPv6Address",
 *        "LinkLocalIPs"}, "DriverOpts", "MacAddress", ...}), or NULL for none.
 *        It must be a JSON object (else DK_EINVAL before sending).
 * @return 0, DK_ENOTFOUND for an unknown network or container, or the
 *         daemon's error (e.g. an address outside the network's subnets).
 */
DK_EXTERN(int) dk_network_connect(dk_client *c, const char *id, const char *container,
	const char *endpoint_json);

/**
 * POST /networks/{id}/disconnect. @op NetworkDisconnect
 * @param force 1 to force the disconnection, 0 not to.
 * @return 0, DK_ENOTFOUND for an unknown network or container, or the
 *         daemon's error (e.g. a container not connected to the network).
 */
DK_EXTERN(int) dk_network_disconnect(dk_client *c, const char *id, const char *container,
	int force);

/**
 * POST /networks/prune. @op NetworkPrune
 * @param filters_json {"label":["k=v"], "until":["10m"], ...} or NULL.
 * @param out receives {"NetworksDeleted": [...]}, owned by the caller.
 */
DK_EXTERN(int) dk_network_prune(dk_value **out, dk_client *c, const char *filters_json);

DK_END_DECL

#endif
