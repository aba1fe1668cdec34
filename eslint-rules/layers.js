// Layer allow-lists (the idea of VS Code's code-layering rule): every layer
// names what it may import, and anything not listed is reported. A relative
// import is resolved to its path in the repository ("src-main/api/dispatch.ts")
// before it is matched, so "../../api/x.ts" cannot slip past a pattern; a bare
// specifier ("node:fs", "@mui/material/Button") is matched as written.
import path from 'node:path';

/** "*" matches within one path segment, "**" across segments. */
function globToRegExp(glob) {
  const body = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function compile(list = []) {
  return list.map((g) => ({ glob: g, re: globToRegExp(g) }));
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'A layer imports only what its allow-list names (docs/architecture.md, "Layers").' },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          allow: { type: 'array', items: { type: 'string' } },
          allowTypes: { type: 'array', items: { type: 'string' } },
        },
        required: ['layer', 'allow'],
        additionalProperties: false,
      },
    ],
    messages: {
      notAllowed: '{{layer}} may not import "{{target}}": it is not on the layer\'s allow-list in eslint.config.js (docs/architecture.md, "Layers").',
      typesOnly: '{{layer}} may import "{{target}}" only with `import type`: the values behind it run in another process.',
    },
  },
  create(context) {
    const { layer, allow, allowTypes } = context.options[0];
    const values = compile(allow);
    const types = compile(allowTypes);
    const root = context.cwd;
    const fileDir = path.dirname(context.filename);

    function check(node, source, typeOnly) {
      if (typeof source !== 'string') return;
      const target = source.startsWith('.')
        ? path.relative(root, path.resolve(fileDir, source)).split(path.sep).join('/')
        : source;
      if (values.some((p) => p.re.test(target))) return;
      if (types.some((p) => p.re.test(target))) {
        if (!typeOnly) context.report({ node, messageId: 'typesOnly', data: { layer, target } });
        return;
      }
      context.report({ node, messageId: 'notAllowed', data: { layer, target } });
    }

    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node.source, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node.source, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node.source, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value, false);
      },
    };
  },
};

export default { rules: { 'allowed-imports': allowedImports } };
