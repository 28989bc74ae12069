#!/usr/bin/env python3
"""Keep the Inputs/Outputs tables of every module README in step with variables.tf/outputs.tf.

terraform-docs is not available offline, so this reads the two files with a small HCL scanner
(top-level attributes of `variable` and `output` blocks only) and rewrites the section between
the BEGIN/END markers. `--check` (used by scripts/test.d/40-terraform.sh) fails when a README is
stale; `--write` updates them.
"""
import pathlib
import re
import sys

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
MODULES = pathlib.Path(__file__).resolve().parent.parent / "modules"


def blocks(text, kind):
    """Yield (name, {attribute: raw expression}) for each top-level `kind "name" {` block."""
    for match in re.finditer(r'^%s\s+"([^"]+)"\s*\{' % kind, text, re.M):
        i, depth, attrs = match.end(), 1, {}
        line_start = i
        key, value_start = None, None
        in_string = False
        while i < len(text) and depth > 0:
            c = text[i]
            if in_string:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "#":
                while i < len(text) and text[i] != "\n":
                    i += 1
                continue
            elif c in "{[(":
                depth += 1
            elif c in "}])":
                depth -= 1
                if depth == 0 and key:
                    attrs[key] = text[value_start:i].strip()
            elif c == "\n":
                if depth == 1:
                    if key:
                        attrs[key] = text[value_start:i].strip()
                        key = None
                    m = re.match(r"\s*([a-z_]+)\s*=\s*", text[i + 1:])
                    if m:
                        key, value_start = m.group(1), i + 1 + m.end()
                line_start = i + 1
            i += 1
        _ = line_start
        yield match.group(1), attrs


def unquote(expr):
    if expr.startswith('"') and expr.endswith('"'):
        return expr[1:-1].replace('\\"', '"').replace("$${", "${")
    return expr


def cell(text):
    return " ".join(text.split()).replace("|", "\\|")


def render(module):
    variables = (module / "variables.tf").read_text() if (module / "variables.tf").exists() else ""
    outputs = (module / "outputs.tf").read_text() if (module / "outputs.tf").exists() else ""
    lines = [BEGIN, "## Inputs", ""]
    inputs = list(blocks(variables, "variable"))
    if inputs:
        lines += ["| Name | Description | Type | Default | Required |", "|------|-------------|------|---------|:--------:|"]
        for name, a in inputs:
            default = a.get("default")
            lines.append("| `%s` | %s | `%s` | %s | %s |" % (
                name, cell(unquote(a.get("description", ""))), cell(a.get("type", "")),
                "`%s`" % cell(default) if default is not None else "n/a", "no" if default is not None else "yes"))
    else:
        lines.append("None.")
    lines += ["", "## Outputs", ""]
    outs = list(blocks(outputs, "output"))
    if outs:
        lines += ["| Name | Description |", "|------|-------------|"]
        for name, a in outs:
            lines.append("| `%s` | %s |" % (name, cell(unquote(a.get("description", "")))))
    else:
        lines.append("None.")
    lines.append(END)
    return "\n".join(lines)


def main(argv):
    mode = argv[1] if len(argv) > 1 else "--check"
    stale = []
    for module in sorted(p.parent for p in MODULES.rglob("variables.tf")):
        readme = module / "README.md"
        text = readme.read_text() if readme.exists() else ""
        if BEGIN not in text or END not in text:
            stale.append("%s: no %s/%s section" % (readme, BEGIN, END))
            continue
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        updated = head + render(module) + tail
        if updated != text:
            if mode == "--write":
                readme.write_text(updated)
            else:
                stale.append("%s is stale: run python3 infra/scripts/module-docs.py --write" % readme)
    for line in stale:
        print(line)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
