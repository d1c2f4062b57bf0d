"""Constants docker-py programs read (docker-py's ``docker.constants``).

Values are docker-py 7.2.0's where they mean the same thing here;
``DEFAULT_USER_AGENT`` names clibdocker and its version. Pool sizes and the
data chunk size are accepted by the clients for compatibility (libcurl keeps
its own connection pool).
"""
import sys

from . import __version__

DEFAULT_DOCKER_API_VERSION = "1.45"
MINIMUM_DOCKER_API_VERSION = "1.24"
DEFAULT_TIMEOUT_SECONDS = 60
STREAM_HEADER_SIZE_BYTES = 8
CONTAINER_LIMITS_KEYS = ["memory", "memswap", "cpushares", "cpusetcpus"]

DEFAULT_HTTP_HOST = "127.0.0.1"
DEFAULT_UNIX_SOCKET = "http+unix:///var/run/docker.sock"
DEFAULT_NPIPE = "npipe:////./pipe/docker_engine"

BYTE_UNITS = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}

INSECURE_REGISTRY_DEPRECATION_WARNING = (
    "The `insecure_registry` argument to {} is deprecated and non-functional. Please remove it."
)

IS_WINDOWS_PLATFORM = sys.platform == "win32"
WINDOWS_LONGPATH_PREFIX = "\\\\?\\"

DEFAULT_USER_AGENT = f"clibdocker/{__version__}"
DEFAULT_NUM_POOLS = 25
# the ssh client's default MaxSessions is 10; one is kept for other uses
DEFAULT_NUM_POOLS_SSH = 9
DEFAULT_MAX_POOL_SIZE = 10
DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048

DEFAULT_SWARM_ADDR_POOL = ["10.0.0.0/8"]
DEFAULT_SWARM_SUBNET_SIZE = 24
