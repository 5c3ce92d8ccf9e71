"""Commands besides the build: the editors' tools that only cli.py calls.

serve (live preview, with incremental rebuilds), new (scaffold) and import
(importer). The package's top level is the build's stages; these use them.
"""
