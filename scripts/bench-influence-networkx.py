"""networkx side of scripts/bench-influence: PageRank and Louvain on the graph Vigie exported.

Reads EDGES (source,target,weight over node numbers) and NODES (node,…,community,pagerank),
times networkx's pagerank (directed, weighted) and louvain_communities (undirected, weights of
both directions added, as Vigie does), and compares: Spearman correlation of the two PageRank
vectors, and the modularity (computed by networkx for both) of the two partitions.
Prints one JSON object.
"""
import csv
import json
import sys
import time

import networkx as nx
from scipy.stats import spearmanr


def main(edges_path, nodes_path, resolution):
    started = time.perf_counter()
    directed = nx.DiGraph()
    vigie_rank = {}
    vigie_community = {}
    with open(nodes_path, newline="") as f:
        for row in csv.DictReader(f):
            node = int(row["node"])
            directed.add_node(node)
            vigie_rank[node] = float(row["pagerank"])
            vigie_community[node] = int(row["community"])
    undirected = nx.Graph()
    undirected.add_nodes_from(directed.nodes)
    with open(edges_path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for source, target, weight in reader:
            s, t, w = int(source), int(target), float(weight)
            directed.add_edge(s, t, weight=w)
            if undirected.has_edge(s, t):
                undirected[s][t]["weight"] += w
            else:
                undirected.add_edge(s, t, weight=w)
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rank = nx.pagerank(directed, alpha=0.85, weight="weight", tol=1e-8, max_iter=200)
    pagerank_seconds = time.perf_counter() - started

    started = time.perf_counter()
    communities = nx.community.louvain_communities(undirected, weight="weight", resolution=resolution, seed=1)
    louvain_seconds = time.perf_counter() - started

    nodes = sorted(directed.nodes)
    rho = spearmanr([rank[n] for n in nodes], [vigie_rank[n] for n in nodes]).correlation
    groups = {}
    for node, c in vigie_community.items():
        groups.setdefault(c, set()).add(node)
    print(json.dumps({
        "nodes": directed.number_of_nodes(),
        "directed_edges": directed.number_of_edges(),
        "undirected_edges": undirected.number_of_edges(),
        "load_seconds": load_seconds,
        "pagerank_seconds": pagerank_seconds,
        "louvain_seconds": louvain_seconds,
        "pagerank_spearman": rho,
        "networkx_communities": len(communities),
        "networkx_modularity": nx.community.modularity(undirected, communities, weight="weight", resolution=resolution),
        "vigie_communities": len(groups),
        "vigie_modularity": nx.community.modularity(undirected, list(groups.values()), weight="weight", resolution=resolution),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 1.0)
