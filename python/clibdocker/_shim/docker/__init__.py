# `import docker` resolves to clibdocker (see clibdocker.compat): this module
# replaces itself in sys.modules with the alias that install() makes.
import clibdocker.compat as _compat

_compat.install()
