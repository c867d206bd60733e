"""`dossierlink serve`: the chain's live view and API per organisation, behind a login.

``app.create_app(chain_path, config)`` builds the Starlette application; ``pages`` holds the
server-rendered pages, ``api`` the ``/api/v1/`` endpoints, ``auth`` sessions, tokens and who may
see what, ``queries`` the work list and the cached analysis, ``settings`` the ``[serve]`` table.
Importing this package imports nothing heavy: the modules are loaded by the ``serve`` command.
"""
