/* clibdocker: the Volume API (6 operations).
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_VOLUMES_H
#define CLIBDOCKER_VOLUMES_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /volumes. @op VolumeList
 * @param filters_json a JSON object of filters ({"dangling":["true"],
 *        "name":["x"], "label":["a=b"], "driver":["local"]}), or NULL.
 * @param out receives {"Volumes": [...], "Warnings": [...]}, owned by the
 *        caller (dk_value_free()).
 */
DK_EXTERN(int) dk_volume_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * POST /volumes/create. @op VolumeCreate
 * @param config_json the VolumeCreateRequest JSON, sent as is: {"Name",
 *        "Driver", "DriverOpts", "Labels", "ClusterVolumeSpec" (API >= 1.42)}.
 * @param out receives the created volume's JSON object, owned by the caller.
 * @return 0, or the daemon's error (e.g. DK_EAPI for an invalid name,
 *         DK_ENOTFOUND for an unknown driver plugin).
 */
DK_EXTERN(int) dk_volume_create(dk_value **out, dk_client *c, const char *config_json);

/**
 * GET /volumes/{name}. @op VolumeInspect
 * @param out receives the volume's JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown volume, or another error.
 */
DK_EXTERN(int) dk_volume_inspect(dk_value **out, dk_client *c, const char *name);

/**
 * PUT /volumes/{name}: update a swarm cluster volume. @op VolumeUpdate
 * Needs API >= 1.42 (else DK_EVERSION before any request).
 * @param spec_json the ClusterVolumeSpec JSON object ({"Group",
 *        "AccessMode": {...}, "Availability", ...}); sent as {"Spec": ...}.
 *        It must be a JSON object (else DK_EINVAL before sending).
 * @param version the volume's current version (ClusterVolume.Version.Index),
 *        >= 0 (required by the API against conflicting writes).
 * @return 0, DK_ENOTFOUND for an unknown volume, or the daemon's error
 *         (e.g. DK_EAPI when the volume is not a cluster volume or the
 *         engine is not a swarm manager).
 */
DK_EXTERN(int) dk_volume_update(dk_client *c, const char *name, const char *spec_json,
	int64_t version);

/**
 * DELETE /volumes/{name}. @op VolumeDelete
 * @param force 1 to remove it even if its driver lost it, 0 not to.
 * @return 0, DK_ENOTFOUND for an unknown volume, DK_ECONFLICT when a
 *         container uses it (the daemon's message names the container).
 */
DK_EXTERN(int) dk_volume_delete(dk_client *c, const char *name, int force);

/**
 * POST /volumes/prune. @op VolumePrune
 * @param filters_json {"label":["k=v"], "all":["true"] (API >= 1.42: also
 *        named volumes)} or NULL. Without "all", API >= 1.42 engines prune
 *        only anonymous volumes.
 * @param out receives {"VolumesDeleted": [...], "SpaceReclaimed": n},
 *        owned by the caller.
 */
DK_EXTERN(int) dk_volume_prune(dk_value **out, dk_client *c, const char *filters_json);

DK_END_DECL

#endif
