/**
 * How refusals of malformed input read. zod speaks Chinese here (its zh-CN locale, for the messages our schemas do
 * not word themselves), since what a refusal says is read by the people in the offices; the field path stays as
 * the API names it, so a developer finds the field.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());

/** Every problem zod found, each with the field it is about: "unit: 单位不能为空；percentComplete: …". */
export function describeIssues(error: z.ZodError, whole = '请求'): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}：${i.message}`).join('；');
}
