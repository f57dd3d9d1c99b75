/**
 * A small plan as a city's 督查室 writes one, for the command-line tests: three task items with three lead units and
 * one cooperating unit, due at the end of June, September and December of `year`; `sharedLead` adds a fourth item
 * led by two units (按职责分工负责).
 */
export function smallPlan(year: number, { sharedLead = false } = {}): string {
  return [
    `某某市${year}年质量工作要点`,
    '一、质量提升',
    `（一）开展产品质量提升行动。（责任单位：市市场监管局；完成时限：${year}年6月底前）`,
    `（二）推进标准化建设。（责任单位：市工信局；配合单位：市商务局；完成时限：${year}年9月底前）`,
    `（三）加强计量工作。（责任单位：市科技局；完成时限：${year}年12月底前）`,
    ...(sharedLead
      ? [`（四）开展质量提升示范。（责任单位：市市场监管局、市科技局；完成时限：${year}年12月底前）`]
      : []),
    '',
  ].join('\n');
}
