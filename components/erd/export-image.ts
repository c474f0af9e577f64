import { toPng, toSvg } from 'html-to-image';

/**
 * PNG or SVG of what the diagram shows right now (the current pan and zoom), without the
 * minimap and controls, downloaded as `<env>-erd.png` / `.svg`.
 */
export async function exportViewImage(container: HTMLElement, env: string, format: 'png' | 'svg'): Promise<void> {
  const flow = container.querySelector<HTMLElement>('.react-flow') ?? container;
  const options = {
    backgroundColor: '#ffffff',
    width: flow.clientWidth,
    height: flow.clientHeight,
    pixelRatio: format === 'png' ? 2 : 1,
    skipFonts: true,
    filter: (node: HTMLElement) =>
      !(node.classList?.contains('react-flow__minimap') || node.classList?.contains('react-flow__controls') || node.classList?.contains('react-flow__panel')),
  };
  const url = format === 'png' ? await toPng(flow, options) : await toSvg(flow, options);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${env}-erd.${format}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
}
