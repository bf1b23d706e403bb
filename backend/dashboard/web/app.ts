/**
 * The dashboard once logged in: lays out the header, map and side panels, loads the road network
 * and the current fences, jams and segment factors, connects to the hub and routes its events to
 * the layers and panels. Map clicks select a car (or zoom into a cluster), or add fence points
 * while drawing.
 */
import type { Api } from './api.js';
import { h } from './dom.js';
import { installHooks } from './hooks.js';
import { CarsLayer } from './layers/cars-layer.js';
import { DraftLayer, FenceLayer } from './layers/fence-layer.js';
import { NetworkLayer } from './layers/network-layer.js';
import { TrafficLayer } from './layers/traffic-layer.js';
import { MapView } from './map-view.js';
import { buildNetworkView } from './network.js';
import { FeedPanel } from './panels/feed-panel.js';
import { FencesPanel } from './panels/fences-panel.js';
import { logout } from './panels/login.js';
import { SystemPanel } from './panels/system-panel.js';
import { VehiclePanel } from './panels/vehicle-panel.js';
import { toLonLat, viewportOf, zoomAround } from './projection.js';
import { connectHub } from './socket.js';
import type { Me } from './types.js';

export async function startApp(root: HTMLElement, api: Api, me: Me): Promise<void> {
  const canCommand = me.role === 'operator' || me.role === 'admin';
  const canEditFences = me.role === 'admin';

  const conn = h('span', { class: 'conn', testid: 'conn-status', text: 'connecting…' });
  const zoomIn = h('button', { testid: 'zoom-in', text: '+', title: 'zoom in' });
  const zoomOut = h('button', { testid: 'zoom-out', text: '−', title: 'zoom out' });
  const fit = h('button', { testid: 'zoom-fit', text: 'Fit', title: 'whole city' });
  const trafficToggle = h('button', { testid: 'traffic-toggle', text: 'Traffic: on' });
  const out = h('button', { testid: 'logout', text: 'Log out' });
  out.addEventListener('click', logout);
  const header = h(
    'header',
    { class: 'top' },
    h('h1', { text: 'v2x fleet' }),
    h('div', { class: 'buttons' }, zoomOut, zoomIn, fit, trafficToggle),
    conn,
    h('span', { class: 'who', testid: 'whoami', 'data-role': me.role, text: `${me.principal} · ${me.role}` }),
    out,
  );
  const mapBox = h('main', { class: 'map-box' });
  const side = h('aside', { class: 'side' });
  root.append(header, h('div', { class: 'body' }, mapBox, side));

  const network = buildNetworkView(await api.network());
  const map = new MapView(mapBox);
  const traffic = new TrafficLayer(network);
  const fences = new FenceLayer();
  const cars = new CarsLayer();
  const draft = new DraftLayer();
  map.baseLayers.push(new NetworkLayer(network), traffic, fences);
  map.topLayers.push(cars, draft);
  traffic.onChange = () => map.invalidateBase();
  map.setHome(network.bounds);

  const system = new SystemPanel();
  const vehicle = new VehiclePanel(api, canCommand);
  const fencePanel = new FencesPanel(api, fences, draft, canEditFences);
  const feed = new FeedPanel();
  fencePanel.onChange = () => map.invalidateBase();
  vehicle.onClose = () => (cars.selected = undefined);
  const select = (vin: string): void => {
    cars.selected = vin;
    vehicle.show(vin);
  };
  feed.onVin = select;
  side.append(system.element, vehicle.element, fencePanel.element, feed.element);

  zoomIn.addEventListener('click', () => map.zoomBy(1));
  zoomOut.addEventListener('click', () => map.zoomBy(-1));
  fit.addEventListener('click', () => map.fit());
  trafficToggle.addEventListener('click', () => {
    traffic.visible = !traffic.visible;
    trafficToggle.textContent = `Traffic: ${traffic.visible ? 'on' : 'off'}`;
    map.invalidateBase();
  });

  map.onClick = (x, y) => {
    if (fencePanel.drawing) {
      fencePanel.addPoint(toLonLat(map.view, x, y));
      return;
    }
    const vin = cars.carAt(x, y);
    if (vin !== undefined) return select(vin);
    if (cars.clusterAt(map.view, x, y)) map.setView(zoomAround(map.view, map.view.zoom + 2, x, y));
  };
  map.onDoubleClick = () => {
    if (fencePanel.drawing) void fencePanel.finish();
  };

  const socket = connectHub(api.token);
  let pending = false;
  const sendViewport = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (socket.connected) socket.emit('viewport', viewportOf(map.view));
    });
  };
  map.onViewChange(sendViewport);
  socket.on('connect', () => {
    conn.textContent = 'live';
    conn.dataset['state'] = 'connected';
    socket.emit('viewport', viewportOf(map.view));
  });
  socket.on('disconnect', (reason) => {
    conn.textContent = `disconnected (${reason})`;
    conn.dataset['state'] = 'disconnected';
  });
  socket.on('connect_error', (err) => {
    conn.textContent = `not connected: ${err.message}`;
    conn.dataset['state'] = 'error';
  });
  socket.on('positions', (frame) => {
    cars.update(frame, performance.now());
    system.inView(frame.inView, frame.total);
  });
  socket.on('system', (m) => system.update(m));
  socket.on('geofence', (e) => feed.geofence(e));
  socket.on('jam', (e) => {
    traffic.applyJamEvent(e);
    feed.jam(e);
  });
  socket.on('segments', (f) => traffic.setSegments(f));
  socket.on('command', (t) => {
    feed.command(t);
    vehicle.commands.transition(t);
  });

  installHooks({
    role: me.role,
    principal: me.principal,
    map,
    cars,
    traffic,
    selected: () => vehicle.vin,
    connected: () => socket.connected,
  });
  map.start();

  // Initial state of roles that may not run in this backend: a failure only leaves the panel empty.
  void fencePanel.load();
  void api.system().then(
    (m) => system.update(m),
    () => undefined,
  );
  void api.segments().then(
    (f) => traffic.setSegments(f),
    () => undefined,
  );
  void api.jams().then(
    (j) => traffic.setJams(j),
    () => undefined,
  );
}
