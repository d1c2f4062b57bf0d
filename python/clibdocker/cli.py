"""The ``clibdocker`` command: show the engine, follow its events."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional

from . import errors
from .client import DockerClient


def _client(args: argparse.Namespace) -> DockerClient:
    if args.host:
        return DockerClient(base_url=args.host, version=args.api_version)
    return DockerClient.from_env(version=args.api_version)


def _status(dc: DockerClient) -> int:
    v = dc.version()
    i = dc.info()
    print(f"Engine:      {v.get('Version')} (API {v.get('ApiVersion')}, "
          f"client API {dc.api.api_version}, {v.get('Os')}/{v.get('Arch')})")
    print(f"Host:        {i.get('Name')}  kernel {i.get('KernelVersion')}  "
          f"{i.get('NCPU')} CPUs  {int(i.get('MemTotal') or 0) / 2**30:.1f} GiB")
    print(f"Storage:     {i.get('Driver')}  root {i.get('DockerRootDir')}")
    print(f"Containers:  {i.get('Containers')} ({i.get('ContainersRunning')} running, "
          f"{i.get('ContainersPaused')} paused, {i.get('ContainersStopped')} stopped)")
    print(f"Images:      {i.get('Images')}")
    swarm = (i.get("Swarm") or {}).get("LocalNodeState")
    print(f"Swarm:       {swarm}")
    return 0


def _events(dc: DockerClient, args: argparse.Namespace) -> int:
    filters: Dict[str, List[str]] = {}
    for f in args.filter or []:
        k, _, val = f.partition("=")
        filters.setdefault(k, []).append(val)
    stream = dc.events(since=args.since, until=args.until, filters=filters or None, decode=True)
    try:
        for ev in stream:
            if args.json:
                print(json.dumps(ev), flush=True)
            else:
                actor = ev.get("Actor") or {}
                name = (actor.get("Attributes") or {}).get("name", "")
                t = ev.get("timeNano") or 0
                print(f"{t / 1e9:.6f} {ev.get('Type')} {ev.get('Action')} "
                      f"{actor.get('ID', '')[:12]} {name}".rstrip(), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        stream.close()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="clibdocker", description=__doc__)
    p.add_argument("-H", "--host", help="engine URL (default: $DOCKER_HOST or the local socket)")
    p.add_argument("--api-version", help="fix the API version instead of negotiating")
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("status", help="show the engine's version and info (the default)")
    sub.add_parser("version", help="print /version as JSON")
    sub.add_parser("info", help="print /info as JSON")
    sub.add_parser("df", help="print /system/df as JSON")
    sub.add_parser("ping", help="ping the engine")
    ev = sub.add_parser("events", help="follow the engine's events")
    ev.add_argument("--since")
    ev.add_argument("--until")
    ev.add_argument("-f", "--filter", action="append", help="key=value, repeatable")
    ev.add_argument("--json", action="store_true", help="print each event as JSON")
    args = p.parse_args(argv)
    try:
        with _client(args) as dc:
            cmd = args.cmd or "status"
            if cmd == "status":
                return _status(dc)
            if cmd == "events":
                return _events(dc, args)
            if cmd == "ping":
                dc.ping()
                print("OK")
                return 0
            data: Any = {"version": dc.version, "info": dc.info, "df": dc.df}[cmd]()
            print(json.dumps(data, indent=2))
            return 0
    except errors.DockerException as e:
        print(f"clibdocker: {e}", file=sys.stderr)
        return 1
