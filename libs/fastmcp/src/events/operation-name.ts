export const OPERATION_NAMES = ['connect', 'list_tools', 'call_tool'] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];
