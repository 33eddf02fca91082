"""Post-processing of a tf2onnx conversion, as ../shared/models/NOTES.md describes it:

1. Replace MediaPipe's custom op TFL_Convolution2DTransposeBias (selfie segmentation) by
   Transpose(NHWC->NCHW) + ConvTranspose(kernel 2x2, stride 2, no padding; weights OHWI reordered
   to [Cin, Cout, kH, kW]; bias as third input) + Transpose back, then simplify with onnxsim.
2. Make the file reproducible: rename initialisers, nodes and symbolic dimensions by order of
   appearance, drop doc strings and metadata.

usage: python convert.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

CUSTOM = "TFL_Convolution2DTransposeBias"


def replace_transposed_convolutions(model):
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    for node in graph.node:
        if node.op_type != CUSTOM:
            nodes.append(node)
            continue
        data, weights, bias = node.input
        w = numpy_helper.to_array(inits[weights])  # OHWI
        w = np.transpose(w, (3, 0, 1, 2))  # -> [Cin, Cout, kH, kW]
        inits[weights].CopyFrom(numpy_helper.from_array(w.astype(np.float32), weights))
        nchw, out_nchw = node.name + "_nchw", node.name + "_out_nchw"
        nodes.append(helper.make_node("Transpose", [data], [nchw], perm=[0, 3, 1, 2]))
        nodes.append(helper.make_node("ConvTranspose", [nchw, weights, bias], [out_nchw],
                                      kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0]))
        nodes.append(helper.make_node("Transpose", [out_nchw], list(node.output), perm=[0, 2, 3, 1]))
    del graph.node[:]
    graph.node.extend(nodes)
    return any(n.op_type == "ConvTranspose" for n in nodes)


def canonical_names(model):
    graph = model.graph
    mapping = {}
    for i, init in enumerate(graph.initializer):
        mapping[init.name] = f"w{i}"
    keep = {v.name for v in graph.input} | {v.name for v in graph.output}
    counter = 0
    for node in graph.node:
        for name in node.output:
            if name not in keep and name not in mapping:
                mapping[name] = f"t{counter}"
                counter += 1
    rename = lambda n: mapping.get(n, n)  # noqa: E731
    for init in graph.initializer:
        init.name = rename(init.name)
    for i, node in enumerate(graph.node):
        node.name = f"n{i}"
        node.input[:] = [rename(n) for n in node.input]
        node.output[:] = [rename(n) for n in node.output]
        node.doc_string = ""
    for vi in graph.value_info:
        vi.name = rename(vi.name)
    symbols = {}
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param:
                dim.dim_param = symbols.setdefault(dim.dim_param, f"s{len(symbols)}")
    graph.doc_string = ""
    graph.name = "graph"
    del model.metadata_props[:]
    model.doc_string = ""
    model.producer_name = ""
    model.producer_version = ""


def main(source, target):
    model = onnx.load(source)
    if replace_transposed_convolutions(model):
        from onnxsim import simplify
        model, ok = simplify(model)
        assert ok, "onnxsim could not validate the rewritten graph"
    canonical_names(model)
    onnx.checker.check_model(model)
    onnx.save(model, target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
