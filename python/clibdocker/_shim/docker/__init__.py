# `import docker` resolves to clibdocker (see clibdocker.compat): this module
# replaces itself in sys.modules with the alias that install() makes.
try:
    import clibdocker.compat as _compat
except ImportError:
    # an interpreter clibdocker is not built for (a program's subprocess
    # running another Python that inherited PYTHONPATH): the docker package
    # that interpreter has, if any, loads in this module's place
    import importlib.machinery
    import importlib.util
    import os
    import sys

    _shim = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    _path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _shim]
    _spec = importlib.machinery.PathFinder.find_spec(__name__, _path)
    if _spec is None or _spec.loader is None:
        raise
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules[__name__] = _mod
    _spec.loader.exec_module(_mod)
else:
    _compat.install()
