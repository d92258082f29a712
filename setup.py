"""The package's one compiled module; everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "index._kernel", ["index/_kernel.c"],
    # numpy's arithmetic to the bit: no fused multiply-adds (see index/kernel.py)
    extra_compile_args=["-O2", "-ffp-contract=off"],
)])
