/** Tree tooltips: names, keys and descriptions others wrote, as inert markdown (ui/markdown). */
export { md, inertMarkdown as tooltip } from '../ui/markdown';
