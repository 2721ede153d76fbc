"""A dataset script of a graph-generation project builds its training graphs with networkx: a
plain class holds a generator function (`self.nx_generator`, read from a table of networkx
functions) and `generate_dataset` calls it in a loop. The module imports no PyTorch package, so
a field known only by its name (`generator`) is no module: silent (twin: the attack object's
`self.model` in accuracy_loops_through_helpers_that_run_the_model.py, in a module importing torch)."""
import pickle

import networkx as nx
import numpy as np

NAME_TO_NX_GENERATOR = {"grid": nx.generators.grid_2d_graph, "community": nx.random_partition_graph}


class GraphGenerator:
    def __init__(self, graph_type="grid", possible_params=None):
        self.possible_params = possible_params or {}
        self.nx_generator = NAME_TO_NX_GENERATOR[graph_type]

    def __call__(self):
        params = {k: np.random.choice(v) for k, v in self.possible_params.items()}
        return self.nx_generator(**params)


def gen_graph_list(graph_type, possible_params, length=100):
    graph_generator = GraphGenerator(graph_type, possible_params)
    graphs = []
    while len(graphs) < length:
        graph = graph_generator()
        if graph.number_of_nodes() > 1:
            graphs.append(graph)
    return graphs


def generate_dataset(path, dataset="grid"):
    graphs = gen_graph_list(dataset, {"m": list(range(10, 20)), "n": list(range(10, 20))})
    with open(path, "wb") as f:
        pickle.dump(graphs, f)
