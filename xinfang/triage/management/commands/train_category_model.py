"""Train the category classifier from a labelled CSV or the system's own history."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.triage import store
from xinfang.triage.csvio import CsvProblem, read_labelled
from xinfang.triage.evaluation import holdout
from xinfang.triage.history import NotEnoughHistory, labelled_history
from xinfang.triage.model import analyse_all, train
from xinfang.triage.reporting import print_scores


class Command(BaseCommand):
    help = "训练内容分类模型：先在留出集上报告准确率和宏平均F1，再用全部数据训练并保存"

    def add_arguments(self, parser):
        parser.add_argument("--csv", help="训练数据 CSV（列：body、label，可选 title）；省略则使用系统已登记事项")
        parser.add_argument("--out", help=f"模型保存路径（默认 {store.deployment_model_path()}）")
        parser.add_argument("--skip-eval", action="store_true", help="不做留出集评估（数据很少时）")

    def handle(self, *args, **opts):
        try:
            if opts["csv"]:
                data = read_labelled(opts["csv"])
                titles, bodies, labels, source = data.titles, data.bodies, data.labels, Path(opts["csv"]).name
                if data.skipped:
                    self.stdout.write(f"跳过 {data.skipped} 行（缺少内容或分类）")
            else:
                hist = labelled_history()
                titles, bodies, labels, source = hist.titles, hist.bodies, hist.labels, "系统已登记信访事项"
                if hist.dropped_categories:
                    self.stdout.write(f"{hist.dropped_categories} 个分类样本太少，未参与训练")
        except (CsvProblem, NotEnoughHistory) as e:
            raise CommandError(str(e)) from None
        if len(set(labels)) < 2:
            raise CommandError("训练数据至少需要两个不同的分类（label）")
        self.stdout.write(f"训练数据：{source}，{len(labels)} 条，{len(set(labels))} 个分类")
        meta = {"source": source}
        if not opts["skip_eval"]:
            report = holdout(titles, bodies, labels)
            self.stdout.write(f"留出集评估（分层抽样 20%，固定随机种子）：训练 {report.n_train} 条，测试 {report.n_test} 条")
            print_scores(self.stdout, report.model)
            meta |= {"holdout_accuracy": round(report.model.accuracy, 4),
                     "holdout_macro_f1": round(report.model.macro_f1, 4)}
        model = train(analyse_all(titles, bodies), labels, meta=meta)
        path = model.save(opts["out"] or store.deployment_model_path())
        store.clear_cache()
        self.stdout.write(self.style.SUCCESS(
            f"已用全部 {len(labels)} 条数据训练并保存模型：{path}（{path.stat().st_size / 1024:.0f} KB）"))
