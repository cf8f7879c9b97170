"""Printing measurement results the same way in every command."""

from .evaluation import Scores


def print_scores(out, s: Scores, per_class: bool = False) -> None:
    out.write(f"  准确率 accuracy = {s.accuracy:.4f}    宏平均F1 macro-F1 = {s.macro_f1:.4f}")
    if per_class:
        for label, (f1, support) in sorted(s.per_class.items(), key=lambda kv: -kv[1][1]):
            out.write(f"    {label:<12} F1 = {f1:.4f}  （{support} 条）")
