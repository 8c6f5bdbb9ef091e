"""Tokenize files with a TextMate grammar; print the tokens as JSON.

usage: textmate-tokens.py GRAMMAR.json FILE...

Uses babi's TextMate engine (oniguruma through onigurumacffi, the
begin/end/captures/include semantics of vscode-textmate). Prints one JSON
object: {FILE: [[[start, end, [scope, ...]], ...] per line]}; offsets are in
characters of the line, scopes from the outermost (source.glha) inwards.
"""

import json
import os
import shutil
import sys
import tempfile

from babi.highlight import Grammars, highlight_line


def main(argv):
    grammar_path, files = argv[0], argv[1:]
    with open(grammar_path, encoding="utf-8") as f:
        scope = json.load(f)["scopeName"]
    # babi finds a grammar by its scope name: DIR/SCOPE.json.
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(grammar_path, os.path.join(tmp, scope + ".json"))
        compiler = Grammars(tmp).compiler_for_scope(scope)
    out = {}
    for path in files:
        state = compiler.root_state
        lines = []
        with open(path, encoding="utf-8") as f:
            # Lines keep their "\n", as editors hand them to the engine.
            for i, line in enumerate(f):
                state, regions = highlight_line(compiler, state, line, i == 0)
                lines.append([[r.start, r.end, list(r.scope)] for r in regions])
        out[path] = lines
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
