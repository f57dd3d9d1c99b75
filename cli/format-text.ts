/** The readable Chinese summary `duban plan parse --format text` prints: what a coordinator checks first. */
import {
  FREQUENCY_LABELS,
  KIND_LABELS,
  type Deadline,
  type ParsedPlan,
  type ReportingRule,
  type Task,
} from '../domain/plan';

function deadlineLine(d: Deadline): string {
  const due = d.due ?? '无截止日（每季度报告）';
  const every = d.every ? `，每${{ month: '月', quarter: '季度', 'half-year': '半年', year: '年' }[d.every]}` : '';
  return `${KIND_LABELS[d.kind]} ${due}${every}${d.text ? ` 〔${d.text}〕` : ''}`;
}

function reportingLine(r: ReportingRule): string {
  return `${FREQUENCY_LABELS[r.frequency]} ${r.dueDates.join('、')}${r.recipient ? ` → ${r.recipient}` : ''} 〔${r.text}〕`;
}

function taskBlock(t: Task): string {
  const lines = [`${t.ref}  ${t.title}  （第${t.line}行）`];
  lines.push(`    牵头：${t.lead.join('、') || '（未明确）'}`);
  if (t.cooperating.length > 0) lines.push(`    配合：${t.cooperating.join('、')}`);
  lines.push(`    时限：${deadlineLine(t.deadline)}`);
  if (t.reporting) lines.push(`    报送：${reportingLine(t.reporting)}`);
  for (const n of t.notes ?? []) lines.push(`    备注：${n}`);
  for (const g of t.targets) lines.push(`    指标：${g.indicator} ${g.comparator} ${g.value}${g.unit}`);
  return lines.join('\n');
}

/** Render a parsed plan as text. */
export function formatPlanText(plan: ParsedPlan): string {
  const out: string[] = [];
  out.push(`标题：${plan.title || '（未识别）'}`);
  out.push(`文号：${plan.docNumber ?? '（无）'}`);
  out.push(`发文机关：${plan.issuer ?? '（未识别）'}`);
  out.push(`成文日期：${plan.issuedOn ?? '（未识别）'}`);
  out.push(`计划年度：${plan.planYear}`);
  out.push(`任务：${plan.tasks.length} 项  单位：${plan.units.length} 个  提示：${plan.warnings.length} 条`);
  out.push('');
  out.push('== 任务 ==');
  for (const t of plan.tasks) out.push(taskBlock(t));
  out.push('');
  out.push('== 单位 ==');
  for (const u of plan.units) {
    out.push(
      `${u.name}${u.collective ? '（集合）' : ''}${u.aliases.length > 0 ? `  又作：${u.aliases.join('、')}` : ''}`,
    );
  }
  if (plan.reportingRules.length > 0) {
    out.push('');
    out.push('== 报送要求 ==');
    for (const r of plan.reportingRules) {
      const form = [r.stamped ? '加盖公章' : '', r.electronic ? '电子文档' : ''].filter((s) => s !== '').join('、');
      out.push(
        `${FREQUENCY_LABELS[r.frequency]}：${r.dueDates.join('、')}${r.recipient ? ` → ${r.recipient}` : ''}${form ? `（${form}）` : ''}  （第${r.line}行）`,
      );
    }
  }
  if (plan.phases.length > 0) {
    out.push('');
    out.push('== 实施步骤 ==');
    for (const ph of plan.phases) {
      out.push(`${ph.name}  ${ph.start ?? '…'} 至 ${ph.end ?? '…'}  （第${ph.line}行）`);
    }
  }
  if (plan.indicators.length > 0) {
    out.push('');
    out.push(`== 指标表（${plan.indicators.length} 行） ==`);
    for (const i of plan.indicators) out.push(`${i.seq ?? '-'}  [${i.category}] ${i.indicator}  ${i.value}${i.unit}`);
  }
  if (plan.warnings.length > 0) {
    out.push('');
    out.push('== 提示 ==');
    for (const w of plan.warnings) out.push(`${w.line === 0 ? '全文' : `第${w.line}行`}：${w.message}`);
  }
  return `${out.join('\n')}\n`;
}
