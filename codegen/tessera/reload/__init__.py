"""Hot reload, host side (docs/reload.md): framing (proto), signed packages
and the device key (package), the transfer (link), what to send (source)
and the `tessera reload` session on a console (session). Nothing here
builds: the command (tessera/commands/reload.py) asks a back end for a
rebuild."""
