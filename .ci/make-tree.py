#!/usr/bin/env python3
"""Writes a large Django tree for memory and speed measurements (issue 9).

usage: .ci/make-tree.py OUT [PROJECTS] [FILES_PER_PROJECT]

Each project is a copy of fixtures/projects/gaara-erp (settings, env files, Dockerfiles, compose
files) plus app folders of .py/.html/.js files (mostly files Preflight never reads), 100 projects
of 1,000 files by default: 100,000 files.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "projects", "gaara-erp")

PY = "from django.db import models\n\n\nclass Item{n}(models.Model):\n    name = models.CharField(max_length=100)\n" * 4
HTML = "<!doctype html>\n<html><body>{{% block content %}}item {n}{{% endblock %}}</body></html>\n" * 8
JS = "export function item{n}(x) {{ return x + {n}; }}\n" * 16


def main():
    out = sys.argv[1]
    projects = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    per_project = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    for p in range(projects):
        root = os.path.join(out, f"project{p:04d}")
        shutil.copytree(FIXTURE, root)
        have = sum(len(files) for _, _, files in os.walk(root))
        n = 0
        app = 0
        while have + n < per_project:
            folder = os.path.join(root, "apps", f"app{app:03d}")
            os.makedirs(os.path.join(folder, "templates"), exist_ok=True)
            os.makedirs(os.path.join(folder, "static"), exist_ok=True)
            for i in range(10):
                for rel, text in ((f"models_{i}.py", PY), (f"templates/page_{i}.html", HTML), (f"static/item_{i}.js", JS)):
                    if have + n >= per_project:
                        break
                    with open(os.path.join(folder, rel), "w") as f:
                        f.write(text.format(n=n))
                    n += 1
            app += 1
    print(f"{projects} projects, {projects * per_project} files under {out}")


if __name__ == "__main__":
    main()
