"""clibdocker's version (docker-py's ``docker.version``): programs read
``docker.version.__version__``."""
from . import __version__

__all__ = ["__version__"]
