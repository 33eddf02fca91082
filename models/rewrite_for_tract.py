"""Rewrites a graph into an equivalent one that tract runs faster. Applied to the shipped
face_landmark.onnx, iris_landmark.onnx and selfie_segmentation.onnx (see README.md); reproduce.sh
runs it too. With --tract-only it also makes a rewrite that helps tract but costs ONNX Runtime
about 10 % (resizes, below): its output is the source of tract's archive in models/tract/ only, and
the ONNX file ONNX Runtime runs stays without it.

PRelu(x, a) becomes Relu(x) + a * Min(x, 0): exactly the same function (the slopes here range from
-1.6 to 1.5, so the shorter Max(x, a*x) would not be), but tract lowers PRelu to a comparison, a
multiplication and a select per element, while it fuses the rewritten form into two element-wise
kernels: the iris graph runs about 20 % faster. The tract-core in third_party/ fuses those two into
one pass (`OptPRelu`, third_party/README.md).

Each bilinear 2x upsampling becomes its two separable passes written out (the same up to
rounding; tract computes each of its outputs on its own): the segmentation graph runs about 30 %
faster in tract.

usage: python rewrite_for_tract.py [--tract-only] IN.onnx OUT.onnx
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


# Element-wise ops whose result does not depend on the layout of their input.
LAYOUT_FREE = {"HardSwish", "Sigmoid", "Relu"}


def remove_layout_round_trips(model):
    """tf2onnx wraps every HardSwish of the segmentation graph in NCHW -> NHWC -> NCHW transposes
    (30 of its 172 nodes), and gates the squeeze-excitation products in NHWC through a Reshape.
    Both are rewritten in NCHW: the same arithmetic, 34 fewer nodes. tract cancels most of the
    transposes itself, but finding them costs about 20 ms of its load-time declutter, and what it
    leaves costs about 13 % of the run."""
    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    producer = {output: node for node in graph.node for output in node.output}
    nchw_of = {}  # NHWC tensor -> the same values in NCHW
    replaced = {}  # tensor -> the tensor that replaces it
    nodes = []
    for node in graph.node:
        node.input[:] = [replaced.get(name, name) for name in node.input]
        nodes.append(node)
        perm = next((list(helper.get_attribute_value(a)) for a in node.attribute if a.name == "perm"), None)
        source = node.input[0] if node.input else None
        if node.op_type == "Transpose" and perm == [0, 2, 3, 1]:
            nchw_of[node.output[0]] = source
        elif node.op_type == "Transpose" and perm == [0, 3, 1, 2] and source in nchw_of:
            replaced[node.output[0]] = nchw_of[source]
        elif node.op_type in LAYOUT_FREE and source in nchw_of:
            output = node.output[0] + "_nchw"
            nodes.append(helper.make_node(node.op_type, [nchw_of[source]], [output], name=node.name + "_nchw"))
            nchw_of[node.output[0]] = output
        elif node.op_type == "Mul" and source in nchw_of and node.input[1] in producer:
            # x_nhwc * Reshape(gate [1,C,1,1] -> [1,1,1,C]) is x_nchw * gate.
            reshape = producer[node.input[1]]
            shape = constants.get(reshape.input[1]) if reshape.op_type == "Reshape" else None
            if shape is not None and list(shape[:3]) == [1, 1, 1]:
                output = node.output[0] + "_nchw"
                nodes.append(helper.make_node("Mul", [nchw_of[source], reshape.input[0]], [output], name=node.name + "_nchw"))
                nchw_of[node.output[0]] = output
    assert not any(output.name in replaced for output in graph.output)
    del graph.node[:]
    graph.node.extend(nodes)
    drop_unread(model)


def drop_unread(model):
    """Removes the nodes and constants nothing reads any more."""
    graph = model.graph
    nodes = list(graph.node)
    while True:
        read = {name for node in nodes for name in node.input} | {output.name for output in graph.output}
        live = [node for node in nodes if any(output in read for output in node.output)]
        if len(live) == len(nodes):
            break
        nodes = live
    del graph.node[:]
    graph.node.extend(nodes)
    read = {name for node in nodes for name in node.input}
    initializers = [t for t in graph.initializer if t.name in read]
    del graph.initializer[:]
    graph.initializer.extend(initializers)


def rewrite_resizes(model):
    """A bilinear 2x upsampling (Resize, linear, half_pixel, NCHW) becomes its two separable
    passes written out: along each axis, output 2k is 0.25 x[k-1] + 0.75 x[k] and output 2k+1 is
    0.75 x[k] + 0.25 x[k+1], the border sample repeated, the two interleaved by a stack and a
    reshape. The same function up to rounding (about 1e-7); tract's Resize computes each output
    element on its own and took 40 % of the segmentation graph's time."""
    graph = model.graph
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
        for v in list(inferred.graph.value_info) + list(inferred.graph.input)
    }
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    added = set()

    def constant(name, value, dtype=np.int64):
        if name not in added:
            graph.initializer.append(numpy_helper.from_array(np.array(value, dtype), name))
            added.add(name)
        return name

    quarter, three_quarters = constant("resize_quarter", 0.25, np.float32), constant("resize_three_quarters", 0.75, np.float32)
    nodes = []
    for i, node in enumerate(graph.node):
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        scales = constants.get(node.input[2]) if node.op_type == "Resize" and len(node.input) > 2 else None
        shape = shapes.get(node.input[0])
        if not (
            scales is not None
            and list(scales) == [1, 1, 2, 2]
            and attributes.get("mode") == b"linear"
            and attributes.get("coordinate_transformation_mode") == b"half_pixel"
            and shape is not None
            and len(shape) == 4
            and all(shape)
        ):
            nodes.append(node)
            continue
        n, c, h, w = shape

        def upsample(x, axis, out_shape, tag):
            def piece(start, end):
                name = f"{tag}_slice_{start}_{end}"
                nodes.append(helper.make_node(
                    "Slice",
                    [x, constant(f"resize_at_{start}", [start]), constant(f"resize_at_{end}", [end]), constant(f"resize_axis_{axis}", [axis])],
                    [name],
                    name=name,
                ))
                return name

            def node(op, inputs, name, **kwargs):
                nodes.append(helper.make_node(op, inputs, [f"{tag}_{name}"], name=f"{tag}_{name}", **kwargs))
                return f"{tag}_{name}"

            before = node("Concat", [piece(0, 1), piece(0, -1)], "before", axis=axis)
            after = node("Concat", [piece(1, 2**62), piece(-1, 2**62)], "after", axis=axis)
            centre = node("Mul", [x, three_quarters], "centre")
            even = node("Add", [node("Mul", [before, quarter], "before_quarter"), centre], "even")
            odd = node("Add", [centre, node("Mul", [after, quarter], "after_quarter")], "odd")
            stack_axis = constant(f"resize_axis_{axis + 1}", [axis + 1])
            pairs = node("Concat", [node("Unsqueeze", [even, stack_axis], "even_1"), node("Unsqueeze", [odd, stack_axis], "odd_1")], "pairs", axis=axis + 1)
            return node("Reshape", [pairs, constant(f"{tag}_shape", out_shape)], "interleaved")

        wide = upsample(node.input[0], 3, [n, c, h, 2 * w], f"resize{i}_w")
        tall = upsample(wide, 2, [n, c, 2 * h, 2 * w], f"resize{i}_h")
        nodes.append(helper.make_node("Identity", [tall], list(node.output), name=node.name or f"resize{i}"))
    del graph.node[:]
    graph.node.extend(nodes)


def main(arguments):
    tract_only = "--tract-only" in arguments
    source, target = [a for a in arguments if a != "--tract-only"]
    model = onnx.load(source)
    rewrite_prelu(model)
    remove_layout_round_trips(model)
    if tract_only:
        rewrite_resizes(model)
        drop_unread(model)
    onnx.checker.check_model(model)
    onnx.save(model, target)


if __name__ == "__main__":
    main(sys.argv[1:])
