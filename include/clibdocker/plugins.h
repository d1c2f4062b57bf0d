/* clibdocker: the Plugin API (11 operations).
 * SPDX-License-Identifier: Apache-2.0
 *
 * Managed (v2) plugins: list, inspect, install from a registry (pull, with
 * the privileges the caller grants), create from a directory or a tar,
 * enable, disable, configure, upgrade, push and remove. `name` and `remote`
 * are plugin references ("vieux/sshfs", "127.0.0.1:5000/ns/plugin:v1");
 * the ":latest" tag is implied when none is given. `auth_json` parameters
 * take AuthConfig JSON (see auth.h: dk_auth_lookup()), sent base64url as
 * X-Registry-Auth and never shown in traces or errors. All functions are
 * thread-safe. */
#ifndef CLIBDOCKER_PLUGINS_H
#define CLIBDOCKER_PLUGINS_H

#include "common.h"

DK_BEGIN_DECL

/**
 * GET /plugins. @op PluginList
 * @param filters_json a JSON object of filters ({"enabled":["true"],
 *        "capability":["volumedriver"]}), or NULL; filters need API >= 1.28
 *        (else DK_EVERSION before any request).
 * @param out receives the JSON array of plugins, owned by the caller
 *        (dk_value_free()).
 */
DK_EXTERN(int) dk_plugin_list(dk_value **out, dk_client *c, const char *filters_json);

/**
 * GET /plugins/privileges. @op GetPluginPrivileges
 * @param remote the plugin's reference in its registry (required).
 * @param auth_json AuthConfig JSON for the registry, or NULL.
 * @param out receives the JSON array of privileges ([{"Name","Description",
 *        "Value":[...]}]) the plugin asks for, owned by the caller. Pass it
 *        (after review) as `privileges_json` to dk_plugin_pull().
 * @return 0, or the daemon's error (DK_ENOTFOUND or DK_EAPI for an unknown
 *         plugin, DK_EAUTH or DK_EAPI for rejected credentials).
 */
DK_EXTERN(int) dk_plugin_privileges(dk_value **out, dk_client *c, const char *remote,
	const char *auth_json);

/**
 * POST /plugins/pull: install a plugin from a registry. @op PluginPull
 * @param remote the plugin's reference in its registry (required).
 * @param name the local name, or NULL for `remote`.
 * @param privileges_json the JSON array of privileges granted, which must
 *        equal what dk_plugin_privileges() reports; NULL sends [] (enough
 *        only for a plugin that asks for none).
 * @param auth_json AuthConfig JSON, or NULL.
 * @param out receives the progress stream (caller's, dk_stream_free()); each
 *        message is one JSON object. A failure after the transfer started
 *        (e.g. "incorrect privileges") arrives as a message with "error";
 *        the plugin is installed disabled.
 */
DK_EXTERN(int) dk_plugin_pull(dk_stream **out, dk_client *c, const char *remote,
	const char *name, const char *privileges_json, const char *auth_json);

/**
 * GET /plugins/{name}/json. @op PluginInspect
 * @param out receives the plugin's JSON object, owned by the caller.
 * @return 0, DK_ENOTFOUND for an unknown plugin, or another error.
 */
DK_EXTERN(int) dk_plugin_inspect(dk_value **out, dk_client *c, const char *name);

/**
 * DELETE /plugins/{name}. @op PluginDelete
 * @param force 1 to disable an enabled plugin first (even when in use),
 *        0 not to, -1 to leave the parameter out (the daemon's default, 0).
 * @return 0, DK_ENOTFOUND for an unknown plugin, or the daemon's error
 *         (DK_ECONFLICT or DK_EAPI when it is enabled and not forced).
 */
DK_EXTERN(int) dk_plugin_delete(dk_client *c, const char *name, int force);

/**
 * POST /plugins/{name}/enable. @op PluginEnable
 * @param timeout seconds to wait for the plugin to answer its activation
 *        (0: the daemon's default), or -1 to leave the parameter out.
 * @return 0, DK_ENOTFOUND, or the daemon's error (DK_EAPI e.g. when the
 *         plugin does not start or is already enabled).
 */
DK_EXTERN(int) dk_plugin_enable(dk_client *c, const char *name, int timeout);

/**
 * POST /plugins/{name}/disable. @op PluginDisable
 * @param force 1 to disable even when in use (API >= 1.28, else
 *        DK_EVERSION), 0 not to, -1 to leave the parameter out.
 * @return 0, DK_ENOTFOUND, or the daemon's error (e.g. already disabled).
 */
DK_EXTERN(int) dk_plugin_disable(dk_client *c, const char *name, int force);

/**
 * POST /plugins/{name}/upgrade: replace a disabled plugin's rootfs and
 * config with those of `remote`, keeping its settings. @op PluginUpgrade
 * Needs API >= 1.26 (else DK_EVERSION).
 * @param remote the new version's reference in its registry (required).
 * @param privileges_json, auth_json as for dk_plugin_pull().
 * @param out receives the progress stream (caller's); a failure after the
 *        transfer started arrives as a message with "error".
 */
DK_EXTERN(int) dk_plugin_upgrade(dk_stream **out, dk_client *c, const char *name,
	const char *remote, const char *privileges_json, const char *auth_json);

/**
 * POST /plugins/create from a tar read from `fn`. @op PluginCreate
 * The tar holds `config.json` (the plugin's config) and `rootfs/`, and must
 * be uncompressed (the engine reads it as a plain tar). It is streamed:
 * `fn` is called until it returns 0 (end) or < 0 (the call fails with
 * that code).
 * @param name the plugin's name (required; ":latest" implied).
 * @return 0, or the daemon's error (e.g. DK_EAPI "config not found", or a
 *         conflict for an existing name).
 */
DK_EXTERN(int) dk_plugin_create(dk_client *c, const char *name, dk_read_fn fn,
	void *userdata);

/**
 * POST /plugins/create from a directory holding `config.json` and `rootfs/`.
 * @op PluginCreate
 * The directory is walked and sent as a tar while the request runs (files,
 * directories and symlinks, with their modes; owner 0:0), never whole in
 * memory.
 * @return 0, DK_EINVAL for an unreadable directory (before any request) or
 *         a file that cannot be read, or the daemon's error.
 */
DK_EXTERN(int) dk_plugin_create_dir(dk_client *c, const char *name, const char *dir);

/**
 * POST /plugins/{name}/push: push a plugin to the registry its name names.
 * @op PluginPush
 * @param auth_json AuthConfig JSON, or NULL (an empty one is sent).
 * @param out receives the progress stream (caller's); the last messages
 *        carry the pushed digest ({"aux":{"Digest":...}}); a failure after
 *        the transfer started arrives as a message with "error".
 */
DK_EXTERN(int) dk_plugin_push(dk_stream **out, dk_client *c, const char *name,
	const char *auth_json);

/**
 * POST /plugins/{name}/set: change settings. @op PluginSet
 * @param settings_json a JSON array of "KEY=value" strings (an env variable
 *        the config declares settable, or "mountname.source=/path",
 *        "devicename.path=...", "args=..."), sent as is (required).
 * @return 0, DK_ENOTFOUND, or the daemon's error (DK_EAPI e.g. for a
 *         setting that is not settable or a plugin that is enabled).
 */
DK_EXTERN(int) dk_plugin_set(dk_client *c, const char *name, const char *settings_json);

DK_END_DECL

#endif
