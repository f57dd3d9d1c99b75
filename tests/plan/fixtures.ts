/* eslint-disable no-irregular-whitespace -- the originals indent paragraphs with the ideographic space U+3000 */
/** Small synthetic plans in the family's style (full-width punctuation as the originals use), shared by tests. */

/** Cover notice with a Chinese-numeral date, the first-listed rule, reporting asked for in the notice, and items whose
 * units sit on lines of their own. */
export const NOTICE_PLAN = `某某省人民政府办公厅关于印发某某省质量提升2016年行动计划的通知
某政办发〔2016〕12号
各市人民政府，省政府各部门：
　　《某某省质量提升2016年行动计划》已经省政府同意，现印发给你们。各项任务中排在第一位的为牵头单位，其他为配合单位。各牵头单位每月5日前将上月工作进展报省质量办，每半年报送一次总结。
某某省人民政府办公厅
二〇一六年三月十八日
某某省质量提升2016年行动计划
一、加强质量监管
（一）开展产品质量提升行动。重点抓好儿童用品等产品，监督抽查合格率达到92%以上。
责任单位：省质监局、省工商局
完成时限：2016年6月底前
（二）强化食品安全。完善追溯体系。
牵头单位：省食品药品监管局；参与单位：省农业厅、卫生厅、质监局
（三）推进标准化建设。新建计量标准100项。
省质监局、省科技厅负责落实。
二、强化质量基础
1.加强计量工作。（省质监局、省发展改革委、质检总局等负责）
2.加强认证认可。（省质监局牵头，各市人民政府配合）
（1）推进认证示范区建设，2016年底前取得阶段性成果。
（2）开展认证监督检查。（省工商局负责；完成时限：每季度）
`;

/** An attachment task table flattened one cell per line (序号/工作任务/责任单位/配合单位/完成时限). */
export const TABLE_PLAN = `某某市2018年质量工作要点任务分解表
序号
工作任务
责任单位
配合单位
完成时限
一、质量安全
1
开展重点产品质量专项整治。
市市场监管局
市公安局、市商务局
2018年6月底前
2
推进食品安全城市创建。
市食品药品监管局
2018年12月底前
二、质量基础
3
加强计量基础建设，新建计量标准20项。
市市场监管局、市科技局
持续推进
`;

/** Plain plan with ASCII punctuation, the way the seeds are stored. */
export const ASCII_PLAN = `某某市2017年质量强市行动计划
一、提升产品质量
(一)加强监督抽查。抽查合格率达到90%以上。(市质监局负责)
(二)加强食品监管。(市食药局牵头,市农委、市商务局配合)
`;
