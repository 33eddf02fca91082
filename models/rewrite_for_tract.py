"""Rewrites a graph into an equivalent one that tract runs faster. Applied to the shipped
face_landmark.onnx and iris_landmark.onnx (see README.md); reproduce.sh runs it too.

PRelu(x, a) becomes Relu(x) + a * Min(x, 0): exactly the same function (the slopes here range from
-1.6 to 1.5, so the shorter Max(x, a*x) would not be), but tract lowers PRelu to a comparison, a
multiplication and a select per element, while it fuses the rewritten form into two element-wise
kernels: the iris graph runs about 20 % faster.

usage: python rewrite_for_tract.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def rewrite_prelu(model):
    graph = model.graph
    if not any(n.op_type == "PRelu" for n in graph.node):
        return
    graph.initializer.append(numpy_helper.from_array(np.zeros((), np.float32), "prelu_zero"))
    nodes = []
    for i, node in enumerate(graph.node):
        if node.op_type != "PRelu":
            nodes.append(node)
            continue
        x, slope = node.input
        nodes += [
            helper.make_node("Relu", [x], [f"prelu{i}_positive"], name=f"prelu{i}_relu"),
            helper.make_node("Min", [x, "prelu_zero"], [f"prelu{i}_negative"], name=f"prelu{i}_min"),
            helper.make_node("Mul", [f"prelu{i}_negative", slope], [f"prelu{i}_scaled"], name=f"prelu{i}_mul"),
            helper.make_node("Add", [f"prelu{i}_positive", f"prelu{i}_scaled"], list(node.output), name=f"prelu{i}_add"),
        ]
    del graph.node[:]
    graph.node.extend(nodes)


def main(source, target):
    model = onnx.load(source)
    rewrite_prelu(model)
    onnx.checker.check_model(model)
    onnx.save(model, target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
